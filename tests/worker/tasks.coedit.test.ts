// Approvals and co-editing: ops on a PENDING quote are refused with quote_pending_approval (and write
// nothing); on an approved quote a title op keeps the approval and a term op needs it again.
import { beforeAll, describe, expect, it } from "vitest";
import { sendOps } from "../support/coedit.ts";
import { joinRoom } from "../support/live.ts";
import { footprint, setUp, submitted, US, type Clients } from "../support/tasks.ts";

let c: Clients;
beforeAll(async () => {
  c = await setUp();
});

describe("co-editing and approvals", () => {
  it("an op batch on a PENDING quote is rejected with quote_pending_approval; withdrawn, it applies", async () => {
    const { quote } = await submitted(c, { discount: "25" });
    const live = await joinRoom("ent_acme_us", c.sales, "acme-us");
    const before = await footprint();
    const title = await sendOps(live, quote.id, quote.rev, [{ op: "set", field: "title", value: "While pending" }]);
    expect(title.answer).toMatchObject({ type: "reject", error: { code: "quote_pending_approval" } });
    const quantity = await sendOps(live, quote.id, quote.rev, [{ op: "updateLine", lineId: "l1", field: "quantity", value: "3" }]);
    expect(quantity.answer).toMatchObject({ type: "reject", error: { code: "quote_pending_approval" } });
    expect(await footprint()).toEqual(before);
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toEqual(quote);
    const withdrawn = (await c.sales.post(`${US}/quotes/${quote.id}/withdraw`)).body;
    const again = await sendOps(live, quote.id, withdrawn.rev, [{ op: "set", field: "title", value: "After withdraw" }]);
    expect(again.answer.type).toBe("ack");
    live.close();
  });

  it("a room that cached the quote before the submit still refuses ops after it", async () => {
    const quote = (await c.sales.post(`${US}/quotes`, { customerId: c.customerId, title: "Cached", currency: "USD", lines: [{ id: "l1", priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "25" } }] })).body;
    const live = await joinRoom("ent_acme_us", c.sales, "acme-us");
    const warm = await sendOps(live, quote.id, quote.rev, [{ op: "set", field: "notes", value: "warm the cache" }]);
    expect(warm.answer.type).toBe("ack");
    expect((await c.sales.post(`${US}/quotes/${quote.id}/submit`)).body.approvalStatus).toBe("PENDING");
    const late = await sendOps(live, quote.id, warm.answer.rev, [{ op: "set", field: "title", value: "Too late" }]);
    expect(late.answer).toMatchObject({ type: "reject", error: { code: "quote_pending_approval" } });
    live.close();
  });

  it("on an approved quote: a title op keeps the approval, a quantity op resets it, and back to the approved terms restores it", async () => {
    const { quote, tasks } = await submitted(c, { discount: "8" });
    await c.approver.post(`${US}/tasks/${tasks[0].id}/approve`, {});
    const approved = (await c.sales.get(`${US}/quotes/${quote.id}`)).body;
    const live = await joinRoom("ent_acme_us", c.sales, "acme-us");
    const title = await sendOps(live, quote.id, approved.rev, [{ op: "set", field: "title", value: "Renamed" }]);
    expect(title.answer.type).toBe("ack");
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true });
    const more = await sendOps(live, quote.id, title.answer.rev, [{ op: "updateLine", lineId: "l1", field: "quantity", value: "2" }]);
    expect(more.answer.type).toBe("ack");
    const event: any = await live.waitFor((m: any) => m.type === "event" && m.data?.clientOpId === more.clientOpId);
    expect(event.data.approvalStatus).toBe("NOT_REQUIRED");
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ approvalStatus: "NOT_REQUIRED", termsApproved: false });
    expect((await c.sales.post(`${US}/quotes/${quote.id}/publish`)).body.error.code).toBe("approval_required");
    const back = await sendOps(live, quote.id, more.answer.rev, [{ op: "updateLine", lineId: "l1", field: "quantity", value: "1" }]);
    expect(back.answer.type).toBe("ack");
    expect((await c.sales.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ approvalStatus: "APPROVED", termsApproved: true });
    expect((await c.sales.post(`${US}/quotes/${quote.id}/publish`)).status).toBe(200);
    live.close();
  });
});
