// Concurrent approvals: whatever the interleaving, exactly one outcome, the losers told exactly why,
// and every task created exactly once.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { draft, eventsAfter, latestSeq, setUp, submitted, taskOf, US, type Clients } from "../support/tasks.ts";

let c: Clients;
beforeAll(async () => {
  c = await setUp();
});

const quoteEvents = async (from: number, quoteId: string) => (await eventsAfter(c.admin, from)).filter((e) => e.subject.id === quoteId || e.data.quoteId === quoteId);
const tasksOf = async (quoteId: string) => (await env.ENTITY_ACME_US.prepare("SELECT * FROM approval_tasks WHERE quote_id = ? ORDER BY id").bind(quoteId).all<any>()).results;

describe("approvals under concurrency", () => {
  it("two approvers on one ANY step at once: exactly one APPROVED, the other 409 task_not_open", async () => {
    for (let round = 0; round < 5; round++) {
      const { quote, tasks } = await submitted(c, { discount: "25" });
      const from = await latestSeq(c.admin);
      const [a, b] = await Promise.all([
        c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, {}),
        c.finance.post(`${US}/tasks/${taskOf(tasks, "usr_finance").id}/approve`, {}),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe("task_not_open");
      expect((await tasksOf(quote.id)).map((t) => t.status).sort()).toEqual(["APPROVED", "SUPERSEDED"]);
      expect((await quoteEvents(from, quote.id)).map((e) => e.kind).filter((k) => k === "quote.approved")).toHaveLength(1);
      expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body.approvalStatus).toBe("APPROVED");
    }
  });

  it("two approvers on one ALL step at once: both count, and the step completes once", async () => {
    for (let round = 0; round < 5; round++) {
      const { quote, tasks } = await submitted(c, { discount: "15" });
      const from = await latestSeq(c.admin);
      const results = await Promise.all([
        c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, {}),
        c.finance.post(`${US}/tasks/${taskOf(tasks, "usr_finance").id}/approve`, {}),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect((await tasksOf(quote.id)).map((t) => t.status)).toEqual(["APPROVED", "APPROVED"]);
      expect((await quoteEvents(from, quote.id)).filter((e) => e.kind === "quote.approved")).toHaveLength(1);
      expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body.approvalStatus).toBe("APPROVED");
    }
  });

  it("a reject and an approve of one ALL step at once: REJECTED either way, decided once", async () => {
    for (let round = 0; round < 5; round++) {
      const { quote, tasks } = await submitted(c, { discount: "15" });
      const from = await latestSeq(c.admin);
      const [approve, reject] = await Promise.all([
        c.approver.post(`${US}/tasks/${taskOf(tasks, "usr_approver").id}/approve`, {}),
        c.finance.post(`${US}/tasks/${taskOf(tasks, "usr_finance").id}/reject`, { comment: "No" }),
      ]);
      expect(reject.status, JSON.stringify(reject.body)).toBe(200);
      if (approve.status !== 200) expect(approve.body.error.code).toBe("task_not_open");
      const statuses = (await tasksOf(quote.id)).map((t) => t.status).sort();
      expect(statuses).toEqual(approve.status === 200 ? ["APPROVED", "REJECTED"] : ["REJECTED", "SUPERSEDED"]);
      const kinds = (await quoteEvents(from, quote.id)).map((e) => e.kind);
      expect(kinds.filter((k) => k === "quote.rejected")).toHaveLength(1);
      expect(kinds).not.toContain("quote.approved");
      expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ status: "DRAFT", approvalStatus: "REJECTED", approval: { comment: "No" } });
    }
  });

  it("approve against withdraw: one wins, the other is told why, and the quote is consistent", async () => {
    for (let round = 0; round < 6; round++) {
      const { quote, tasks } = await submitted(c, { discount: "8" });
      const [approve, withdraw] = await Promise.all([c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, {}), c.sales.post(`${US}/quotes/${quote.id}/withdraw`)]);
      const after = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
      const [task] = await tasksOf(quote.id);
      if (approve.status === 200) {
        expect(withdraw.body.error.code).toBe("quote_not_pending");
        expect(after.approvalStatus).toBe("APPROVED");
        expect(task.status).toBe("APPROVED");
      } else {
        expect(withdraw.status).toBe(200);
        expect(approve.body.error.code).toBe("task_not_open");
        expect(after).toMatchObject({ approvalStatus: "NOT_REQUIRED", approval: null });
        expect(task.status).toBe("CANCELLED");
      }
      expect(after.rev).toBe(quote.rev + 1);
    }
  });

  it("approve against a PATCH of the quote: the PATCH is refused while PENDING, or applies after the approval and resets it", async () => {
    for (let round = 0; round < 6; round++) {
      const { quote, tasks } = await submitted(c, { discount: "8" });
      const lines = [{ id: "l1", priceId: "price_us_platform_monthly", quantity: "2", discount: { type: "PERCENTAGE", value: "8" } }];
      const [approve, patch] = await Promise.all([c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, {}), c.sales.patch(`${US}/quotes/${quote.id}`, { lines })]);
      expect(approve.status, JSON.stringify(approve.body)).toBe(200);
      const after = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
      if (patch.status === 200) {
        // Applied on the approved revision: a term changed, so the approval is gone.
        expect(after).toMatchObject({ approvalStatus: "NOT_REQUIRED", termsApproved: false, rev: quote.rev + 2 });
        expect(after.lines[0].quantity).toBe("2");
      } else {
        expect(patch.body.error.code).toBe("quote_pending_approval");
        expect(after).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true, rev: quote.rev + 1 });
        expect(after.lines[0].quantity).toBe("1");
      }
    }
  });

  it("50 quotes submitted at once, each twice: every task is created exactly once", async () => {
    const quotes = await Promise.all(Array.from({ length: 50 }, () => draft(c, { discount: "25" })));
    const from = await latestSeq(c.admin);
    const results = await Promise.all(quotes.flatMap((q) => [c.sales.post(`${US}/quotes/${q.id}/submit`), c.sales.post(`${US}/quotes/${q.id}/submit`)]));
    for (let i = 0; i < quotes.length; i++) {
      const pair = [results[2 * i], results[2 * i + 1]];
      expect(pair.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(pair.find((r) => r.status === 409)!.body.error.code).toBe("quote_pending_approval");
    }
    const ids = quotes.map((q) => q.id);
    const rows = (await env.ENTITY_ACME_US.prepare(`SELECT quote_id, assignee_user_id, status FROM approval_tasks WHERE quote_id IN (${ids.map(() => "?").join(",")})`).bind(...ids).all<any>()).results;
    expect(rows).toHaveLength(100);
    for (const id of ids) expect(rows.filter((r) => r.quote_id === id).map((r) => r.assignee_user_id).sort()).toEqual(["usr_approver", "usr_finance"]);
    const submissions = (await env.ENTITY_ACME_US.prepare(`SELECT COUNT(*) n FROM approval_submissions WHERE quote_id IN (${ids.map(() => "?").join(",")})`).bind(...ids).first<{ n: number }>())!.n;
    expect(submissions).toBe(50);
    const events = await (async () => {
      const all: any[] = [];
      let after = from;
      for (;;) {
        const page = await eventsAfter(c.admin, after);
        if (!page.length) return all;
        all.push(...page);
        after = page[page.length - 1].seq;
      }
    })();
    expect(events.filter((e) => e.kind === "task.created")).toHaveLength(100);
    expect(events.filter((e) => e.kind === "quote.submitted")).toHaveLength(50);
  });
});
