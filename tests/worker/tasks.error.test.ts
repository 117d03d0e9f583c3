// Refused approvals: each answers in the contract's error shape and writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../support/client.ts";
import { draft, footprint, setUp, submitted, taskOf, US, type Clients } from "../support/tasks.ts";

let c: Clients;
beforeAll(async () => {
  c = await setUp();
});

/** `request` is refused with `status`/`code` and the entity's database is exactly as it was. */
async function refused(request: () => Promise<any>, status: number, code: string) {
  const before = await footprint();
  expectError(await request(), status, code);
  expect(await footprint()).toEqual(before);
}

describe("a PENDING quote is locked", () => {
  it("PATCH, submit again and publish are refused; the quote is unchanged", async () => {
    const { quote } = await submitted(c, { discount: "25" });
    await refused(() => c.sales.patch(`${US}/quotes/${quote.id}`, { title: "Sneaky" }), 409, "quote_pending_approval");
    await refused(() => c.sales.patch(`${US}/quotes/${quote.id}`, { title: "Sneaky" }, { "if-match": `"${quote.rev}"` }), 409, "quote_pending_approval");
    await refused(() => c.sales.post(`${US}/quotes/${quote.id}/submit`), 409, "quote_pending_approval");
    await refused(() => c.sales.post(`${US}/quotes/${quote.id}/publish`), 422, "approval_required");
    // Archiving would leave its open tasks in the approvers' inboxes: withdraw first.
    await refused(() => c.sales.post(`${US}/quotes/${quote.id}/archive`), 409, "quote_pending_approval");
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toEqual(quote);
  });
});

describe("submit", () => {
  it("a step that resolves to nobody: 422 no_approvers, nothing submitted", async () => {
    const quote = await draft(c, { dealType: "RENEWAL" });
    const before = await footprint();
    const res = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    expectError(res, 422, "no_approvers");
    expect(res.body.error.details[0].path).toBe("rules.0.steps.0.approvers");
    expect(await footprint()).toEqual(before);
  });

  it("an empty quote, or one not in DRAFT, cannot be submitted", async () => {
    const empty = (await c.sales.post(`${US}/quotes`, { customerId: c.customerId, title: "Empty", currency: "USD" })).body;
    await refused(() => c.sales.post(`${US}/quotes/${empty.id}/submit`), 422, "quote_empty");
    const small = await draft(c);
    await c.sales.post(`${US}/quotes/${small.id}/publish`);
    await refused(() => c.sales.post(`${US}/quotes/${small.id}/submit`), 409, "invalid_state");
    await refused(() => c.sales.post(`${US}/quotes/quo_nope/submit`), 404, "not_found");
  });

  it("publish of a revision whose rule needs approval and lacks it: 422 approval_required", async () => {
    const quote = await draft(c, { discount: "25" });
    await refused(() => c.sales.post(`${US}/quotes/${quote.id}/publish`), 422, "approval_required");
  });
});

describe("withdraw", () => {
  it("only a PENDING quote: 409 quote_not_pending", async () => {
    const quote = await draft(c, { discount: "25" });
    await refused(() => c.sales.post(`${US}/quotes/${quote.id}/withdraw`), 409, "quote_not_pending");
    const { quote: pending } = await submitted(c, { discount: "25" });
    expect((await c.sales.post(`${US}/quotes/${pending.id}/withdraw`)).status).toBe(200);
    await refused(() => c.sales.post(`${US}/quotes/${pending.id}/withdraw`), 409, "quote_not_pending");
  });
});

describe("decisions", () => {
  it("reject needs a comment: 400 with the field's path", async () => {
    const { tasks } = await submitted(c, { discount: "25" });
    const task = taskOf(tasks, "usr_approver");
    for (const body of [{}, { comment: "" }, { comment: "   " }, { comment: 5 }]) {
      const before = await footprint();
      const res = await c.approver.post(`${US}/tasks/${task.id}/reject`, body);
      expectError(res, 400, "invalid_request");
      expect(res.body.error.details[0].path).toBe("comment");
      expect(await footprint()).toEqual(before);
    }
    await refused(() => c.approver.post(`${US}/tasks/${task.id}/approve`, { comment: "ok", extra: 1 }), 400, "invalid_request");
  });

  it("a task no longer OPEN: 409 task_not_open (decided, superseded, cancelled)", async () => {
    const { tasks } = await submitted(c, { discount: "25" });
    expect((await c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, {})).status).toBe(200);
    await refused(() => c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, {}), 409, "task_not_open");
    await refused(() => c.finance.post(`${US}/tasks/${taskOf(tasks, "usr_finance").id}/reject`, { comment: "late" }), 409, "task_not_open");
    const { quote, tasks: others } = await submitted(c, { discount: "25" });
    await c.sales.post(`${US}/quotes/${quote.id}/withdraw`);
    await refused(() => c.approver.post(`${US}/tasks/${taskOf(others, "usr_approver").id}/approve`, {}), 409, "task_not_open");
  });

  it("the submitter never decides their own submission: 403 self_approval, even as admin", async () => {
    const quote = await draft(c, { quantity: "10" }); // Large deal: the approver, then every admin
    await c.admin.post(`${US}/quotes/${quote.id}/submit`);
    const first = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}&status=OPEN`)).body.items[0];
    await refused(() => c.admin.post(`${US}/tasks/${first.id}/approve`, {}), 403, "self_approval");
    await c.approver.post(`${US}/tasks/${first.id}/approve`, {});
    const mine = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}&status=OPEN`)).body.items[0];
    expect(mine.assigneeUserId).toBe("usr_admin");
    await refused(() => c.admin.post(`${US}/tasks/${mine.id}/approve`, {}), 403, "self_approval");
    await refused(() => c.admin.post(`${US}/tasks/${mine.id}/reject`, { comment: "no" }), 403, "self_approval");
    // Withdrawing is how the submitter gets out of it.
    expect((await c.admin.post(`${US}/quotes/${quote.id}/withdraw`)).status).toBe(200);
  });

  it("an unknown task is 404", async () => {
    await refused(() => c.approver.post(`${US}/tasks/tsk_nope/approve`, {}), 404, "not_found");
    await refused(() => c.approver.post(`${US}/tasks/tsk_nope/reject`, { comment: "x" }), 404, "not_found");
    expectError(await c.approver.get(`${US}/tasks/tsk_nope`), 404, "not_found");
  });

  it("bad list filters are 400", async () => {
    expectError(await c.admin.get(`${US}/tasks?status=MAYBE`), 400, "invalid_request");
    expectError(await c.admin.get(`${US}/tasks?limit=0`), 400, "invalid_request");
  });
});
