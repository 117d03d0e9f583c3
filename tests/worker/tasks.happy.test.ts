// Approvals end to end through the Worker: submit → tasks, decisions (ANY, ALL, two steps), reject,
// withdraw, what an approval covers, the inbox, a task's detail and the members.
import { beforeAll, describe, expect, it } from "vitest";
import { draft, eventsAfter, latestSeq, setUp, submitted, taskOf, US, type Clients } from "../support/tasks.ts";

let c: Clients;
beforeAll(async () => {
  c = await setUp();
});

describe("submit", () => {
  it("a rule without steps: NOT_REQUIRED, publishable at once", async () => {
    const quote = await draft(c);
    expect(quote).toMatchObject({ approvalRequired: false, termsApproved: false, approval: null, approvedRev: null });
    const res = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    expect(res.body).toMatchObject({ status: "DRAFT", approvalStatus: "NOT_REQUIRED", rev: quote.rev + 1 });
    expect((await c.sales.post(`${US}/quotes/${quote.id}/publish`)).status).toBe(200);
  });

  it("a rule with steps: PENDING, and one OPEN task per approver, in one batch with quote.submitted and task.created", async () => {
    const quote = await draft(c, { discount: "25" });
    expect(quote).toMatchObject({ approvalRequired: true, termsApproved: false });
    const from = await latestSeq(c.admin);
    const res = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: "DRAFT",
      approvalStatus: "PENDING",
      rev: quote.rev + 1,
      approvalRequired: true,
      termsApproved: false,
      approval: {
        rev: quote.rev + 1,
        status: "PENDING",
        ruleName: "Any of two",
        stepIndex: 0,
        stepCount: 1,
        submittedBy: "usr_sales",
        submittedByName: "Sam Sales",
        decidedAt: null,
        comment: null,
        pendingApprovers: [
          { userId: "usr_approver", name: "Avery Approver" },
          { userId: "usr_finance", name: "Fin Finance" },
        ],
      },
    });
    const events = await eventsAfter(c.admin, from);
    expect(events.map((e) => e.kind)).toEqual(["quote.submitted", "task.created", "task.created"]);
    expect(new Set(events.map((e) => e.at)).size).toBe(1);
    expect(events[1]).toMatchObject({ subject: { type: "task" }, data: { status: "OPEN", quoteId: quote.id } });
    expect(events.slice(1).map((e) => e.data.assigneeUserId).sort()).toEqual(["usr_approver", "usr_finance"]);

    const inbox = await c.approver.get(`${US}/tasks?status=OPEN&assignee=me`);
    const task = inbox.body.items.find((t: any) => t.quoteId === quote.id);
    expect(task).toMatchObject({
      object: "task",
      status: "OPEN",
      quoteNumber: quote.quoteNumber,
      quoteRev: quote.rev + 1,
      stepIndex: 0,
      stepCount: 1,
      mode: "ANY",
      assigneeUserId: "usr_approver",
      assigneeName: "Avery Approver",
      requestedBy: "usr_sales",
      requestedByName: "Sam Sales",
      decidedAt: null,
      decidedBy: null,
      comment: null,
      quote: { title: quote.title, currency: "USD", total: quote.totals.total, totalContractValue: quote.totalContractValue, maxDiscountPercent: "25" },
      rule: { name: "Any of two" },
    });
    expect(task.quote.customerName).toMatch(/^Approvals customer/);
    // The event carries the task as the inbox lists it.
    const listed = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}`)).body.items.find((t: any) => t.id === events[1].subject.id);
    expect(events[1].data).toEqual(listed);
  });

  it("the approved terms again: 200, unchanged", async () => {
    const { quote, tasks } = await submitted(c, { discount: "8" });
    await c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, {});
    const approved = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
    const again = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(approved);
  });
});

describe("decisions", () => {
  it("ANY: the first approval approves the quote for these terms; the other task is SUPERSEDED; then it publishes", async () => {
    const { quote, tasks } = await submitted(c, { discount: "25" });
    expectError422(await c.sales.post(`${US}/quotes/${quote.id}/publish`));
    const from = await latestSeq(c.admin);
    const res = await c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, { comment: "Fine by me" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "APPROVED", decidedBy: "usr_approver", comment: "Fine by me" });
    expect(res.body.decidedAt).toEqual(expect.any(String));
    const events = await eventsAfter(c.admin, from);
    expect(events.map((e) => [e.kind, e.data.status ?? e.data.quote?.approvalStatus])).toEqual([
      ["task.completed", "APPROVED"],
      ["task.completed", "SUPERSEDED"],
      ["quote.approved", "APPROVED"],
    ]);
    expect(events[1].data.assigneeUserId).toBe("usr_finance");
    const after = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
    expect(after).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true, approvedRev: quote.rev, approval: { status: "APPROVED", pendingApprovers: [] } });
    const done = (await c.finance.get(`${US}/tasks?status=DONE&assignee=me`)).body.items.find((t: any) => t.quoteId === quote.id);
    expect(done.status).toBe("SUPERSEDED");
    const published = await c.sales.post(`${US}/quotes/${quote.id}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.approvalStatus).toBe("APPROVED");
  });

  it("ALL: the step completes only when every task approves (an approver listed by role and by id gets one task)", async () => {
    const { quote, tasks } = await submitted(c, { discount: "15" });
    expect(tasks.map((t) => t.assigneeUserId).sort()).toEqual(["usr_approver", "usr_finance"]);
    expect(tasks[0].mode).toBe("ALL");
    await c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, {});
    const halfway = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
    expect(halfway).toMatchObject({ approvalStatus: "PENDING", approval: { pendingApprovers: [{ userId: "usr_finance", name: "Fin Finance" }] } });
    const res = await c.finance.post(`${US}/tasks/${taskOf(tasks, "usr_finance").id}/approve`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true });
  });

  it("two steps: approving the first opens the next one's tasks in the same batch; the last approves the quote", async () => {
    const { quote, tasks } = await submitted(c, { quantity: "10" });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ assigneeUserId: "usr_approver", stepIndex: 0, stepCount: 2, rule: { name: "Large deal" } });
    const from = await latestSeq(c.admin);
    await c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, {});
    const events = await eventsAfter(c.admin, from);
    expect(events.map((e) => e.kind)).toEqual(["task.completed", "task.created", "quote.updated"]);
    expect(events[0].at).toBe(events[2].at);
    expect(events[1].data).toMatchObject({ assigneeUserId: "usr_admin", stepIndex: 1, mode: "ALL", status: "OPEN" });
    // Open editors learn who must decide now without asking.
    expect(events[2].data).toMatchObject({ approvalStep: 1, quote: { id: quote.id, approvalStatus: "PENDING", approval: { stepIndex: 1, pendingApprovers: [{ userId: "usr_admin" }] } } });
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body.approval).toMatchObject({ status: "PENDING", stepIndex: 1, pendingApprovers: [{ userId: "usr_admin" }] });
    const res = await c.admin.post(`${US}/tasks/${events[1].subject.id}/approve`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body.approvalStatus).toBe("APPROVED");
  });

  it("reject: back to DRAFT as REJECTED with the comment on the quote; the step's other tasks are SUPERSEDED; it can be submitted again", async () => {
    const { quote, tasks } = await submitted(c, { discount: "15" });
    const from = await latestSeq(c.admin);
    const res = await c.finance.post(`${US}/tasks/${taskOf(tasks, "usr_finance").id}/reject`, { comment: "Too generous" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "REJECTED", comment: "Too generous" });
    const events = await eventsAfter(c.admin, from);
    expect(events.map((e) => e.kind)).toEqual(["task.completed", "task.completed", "quote.rejected"]);
    expect(events[2].data.comment).toBe("Too generous");
    const after = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
    expect(after).toMatchObject({ status: "DRAFT", approvalStatus: "REJECTED", termsApproved: false, approval: { status: "REJECTED", comment: "Too generous" } });
    expect((await c.sales.patch(`${US}/quotes/${quote.id}`, { title: "Rethought" })).body.approvalStatus).toBe("REJECTED");
    const again = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    expect(again.body).toMatchObject({ approvalStatus: "PENDING", approval: { status: "PENDING", comment: null } });
  });

  it("withdraw: back to DRAFT, no approval on record, the open tasks CANCELLED", async () => {
    const { quote, tasks } = await submitted(c, { discount: "25" });
    const from = await latestSeq(c.admin);
    const res = await c.sales.post(`${US}/quotes/${quote.id}/withdraw`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "DRAFT", approvalStatus: "NOT_REQUIRED", approval: null, rev: quote.rev + 1 });
    const events = await eventsAfter(c.admin, from);
    expect(events.map((e) => [e.kind, e.data.status ?? null])).toEqual([
      ["task.completed", "CANCELLED"],
      ["task.completed", "CANCELLED"],
      ["quote.updated", null],
    ]);
    const all = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}`)).body.items;
    expect(all.map((t: any) => t.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(all.map((t: any) => t.id).sort()).toEqual(tasks.map((t) => t.id).sort());
    expect((await c.sales.patch(`${US}/quotes/${quote.id}`, { title: "Editable again" })).status).toBe(200);
  });
});

describe("what an approval covers", () => {
  it("title, notes and expiry keep it; a commercial term needs it again; the approved terms back restore it", async () => {
    const { quote, tasks } = await submitted(c, { discount: "8" });
    await c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, {});
    const kept = await c.sales.patch(`${US}/quotes/${quote.id}`, { title: "New title", notes: "Some notes", expiryDays: 10 });
    expect(kept.body).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true });
    for (const patch of [
      { lines: [{ id: "l1", priceId: "price_us_platform_monthly", quantity: "2", discount: { type: "PERCENTAGE", value: "8" } }] },
      { lines: [{ id: "l1", priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "9" } }] },
      { dealType: "RENEWAL" },
      { startDate: "2027-01-01" },
      { contractLengthMonths: 24 },
    ]) {
      const changed = await c.sales.patch(`${US}/quotes/${quote.id}`, patch);
      expect(changed.body, JSON.stringify(patch)).toMatchObject({ approvalStatus: "NOT_REQUIRED", termsApproved: false, approvedRev: null });
      expect((await c.sales.post(`${US}/quotes/${quote.id}/publish`)).body.error.code).toBe("approval_required");
      const back = await c.sales.patch(`${US}/quotes/${quote.id}`, {
        dealType: "NEW_BUSINESS",
        startDate: null,
        contractLengthMonths: 12,
        // The same terms under a new line id: still the approved terms.
        lines: [{ id: "l9", priceId: "price_us_platform_monthly", quantity: "1.0", discount: { type: "PERCENTAGE", value: "8.00" } }],
      });
      expect(back.body, JSON.stringify(patch)).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true });
    }
    expect((await c.sales.post(`${US}/quotes/${quote.id}/publish`)).status).toBe(200);
  });
});

describe("reading", () => {
  it("a task's detail: the quote, the terms approved before, what changed since, and the history", async () => {
    const { quote, tasks } = await submitted(c, { discount: "8" });
    await c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, { comment: "ok at 8" });
    await c.sales.patch(`${US}/quotes/${quote.id}`, { lines: [{ id: "l1", priceId: "price_us_platform_monthly", quantity: "3", discount: { type: "PERCENTAGE", value: "8" } }] });
    await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    const second = (await c.approver.get(`${US}/tasks?quoteId=${quote.id}&status=OPEN`)).body.items[0];
    const res = await c.approver.get(`${US}/tasks/${second.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { detail } = res.body;
    expect(res.body).toMatchObject({ id: second.id, status: "OPEN" });
    expect(detail.quote).toMatchObject({ id: quote.id, approvalStatus: "PENDING" });
    expect(detail.approvedBefore).toMatchObject({ rev: quote.rev, currency: "USD", dealType: "NEW_BUSINESS", contractLengthMonths: 12, startDate: null });
    expect(detail.approvedBefore.lines).toEqual([{ id: "l1", label: "Kontor Platform — Platform — monthly", quantity: "1", unitPrice: "1250.00", amount: "1150.00", discount: { type: "PERCENTAGE", value: "8" } }]);
    expect(detail.changes).toContainEqual(expect.objectContaining({ kind: "lineChanged", label: "Kontor Platform — Platform — monthly" }));
    expect(detail.changes).toContainEqual(expect.objectContaining({ kind: "term", label: "Total contract value" }));
    expect(detail.history.map((h: any) => [h.action, h.userId, h.comment])).toEqual([
      ["SUBMITTED", "usr_sales", null],
      ["APPROVED", "usr_approver", "ok at 8"],
      ["SUBMITTED", "usr_sales", null],
    ]);
    expect(detail.history[1].name).toBe("Avery Approver");
  });

  it("the inbox: an admin sees all, others their own; with quoteId every member sees who must decide", async () => {
    const { quote } = await submitted(c, { discount: "25" });
    const mine = (await c.approver.get(`${US}/tasks`)).body.items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t: any) => t.assigneeUserId === "usr_approver")).toBe(true);
    const all = (await c.admin.get(`${US}/tasks?status=OPEN`)).body.items;
    expect(new Set(all.map((t: any) => t.assigneeUserId))).toEqual(new Set(["usr_approver", "usr_finance", "usr_admin"].filter((u) => all.some((t: any) => t.assigneeUserId === u))));
    expect(all.map((t: any) => t.createdAt)).toEqual([...all.map((t: any) => t.createdAt)].sort().reverse());
    const forQuote = (await c.sales.get(`${US}/tasks?quoteId=${quote.id}`)).body.items;
    expect(forQuote.map((t: any) => t.assigneeUserId).sort()).toEqual(["usr_approver", "usr_finance"]);
    expect((await c.sales.get(`${US}/tasks?status=OPEN`)).body.items).toEqual([]);
    expect((await c.admin.get(`${US}/tasks?assignee=usr_finance&quoteId=${quote.id}`)).body.items.map((t: any) => t.assigneeUserId)).toEqual(["usr_finance"]);
  });

  it("the members, with names and roles, for any member", async () => {
    const res = await c.approver.get(`${US}/members`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { userId: "usr_admin", name: "Ada Admin", email: "admin@acme.test", roles: ["admin"] },
      { userId: "usr_approver", name: "Avery Approver", email: "approver@acme.test", roles: ["approver"] },
      { userId: "usr_finance", name: "Fin Finance", email: "finance@acme.test", roles: ["finance"] },
      { userId: "usr_sales", name: "Sam Sales", email: "sales@acme.test", roles: ["sales"] },
    ]);
  });
});

function expectError422(res: { status: number; body: any }) {
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe("approval_required");
}
