// The invoice and credit-note actions called directly, as a billing run will call them: and the credit
// limit held by the batch's own SQL guard when another note commits between a note's read and its write.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActionContext } from "../../worker/actions/context.ts";
import * as creditNotes from "../../worker/actions/credit-notes.ts";
import * as customers from "../../worker/actions/customers.ts";
import * as invoices from "../../worker/actions/invoices.ts";
import { findEntity } from "../../worker/db/control.ts";
import type { EntityRecord } from "../../worker/env.ts";
import type { EntityEvent } from "../../party/protocol.ts";
import { unique } from "../support/client.ts";

const SYSTEM = { type: "system" as const, id: "cron", name: "Billing cron" };
let entity: EntityRecord;

function cronContext(published: EntityEvent[] = [], beforeCommit?: ActionContext["beforeCommit"]): ActionContext {
  return { entity, db: env.ENTITY_ACME_UK, actor: SYSTEM, requestId: null, origin: null, beforeCommit, publish: (events) => void published.push(...events) };
}

beforeAll(async () => {
  entity = (await findEntity(env.CONTROL, "acme-uk", "local"))!;
});

describe("invoice actions without HTTP", () => {
  it("draft → finalize → credit, with their events published after each batch", async () => {
    const published: EntityEvent[] = [];
    const ctx = cronContext(published);
    const customer = await customers.create(ctx, { legalName: unique("Cron buyer"), email: "cron@buyer.test", country: "GB", taxStatus: "TAXED" });
    const draft = await invoices.create(ctx, { customerId: customer.id, currency: "GBP", lines: [{ title: "Usage", quantity: "10", rate: "12.5" }] });
    const final = await invoices.finalize(ctx, draft.id, { store: env.DOCUMENTS });
    expect(final.invoiceNumber).toMatch(/^ACME-UK-\d{6}$/);
    expect(published.map((e) => [e.kind, e.subject.type])).toEqual([
      ["customer.created", "customer"],
      ["invoice.created", "invoice"],
      ["invoice.finalized", "invoice"],
      ["invoice.updated", "invoice"], // its PDF attached, right after the finalize batch
    ]);
    expect((published[3].data.invoice as { pdfSha256: string }).pdfSha256).toBe(final.pdfSha256);
    // The published event carries the real number, not the batch's placeholder for it.
    expect((published[2].data.invoice as { invoiceNumber: string }).invoiceNumber).toBe(final.invoiceNumber);
    expect(published[2].seq).toBeGreaterThan(published[1].seq);
  });

  it("a credit note that read before another committed is refused by its batch's SQL guard", async () => {
    const ctx = cronContext();
    const customer = await customers.create(ctx, { legalName: unique("Race buyer"), email: "race@buyer.test", country: "GB", taxStatus: "TAXED" });
    const draft = await invoices.create(ctx, { customerId: customer.id, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "300", taxRateId: null }] });
    const final = await invoices.finalize(ctx, draft.id, { store: env.DOCUMENTS });
    const line = final.lines[0].id;
    let interloper: Awaited<ReturnType<typeof creditNotes.create>> | null = null;
    // Between this note's read (nothing credited yet) and its batch, another note credits 200 of 300.
    const racing = cronContext([], async () => {
      interloper ??= await creditNotes.create(cronContext(), { invoiceId: final.id, lines: [{ invoiceLineId: line, amount: "200" }] });
    });
    await expect(creditNotes.create(racing, { invoiceId: final.id, lines: [{ invoiceLineId: line, amount: "150" }] })).rejects.toMatchObject({ code: "credit_exceeds_invoice" });
    expect(interloper).not.toBeNull();
    const notes = await env.ENTITY_ACME_UK.prepare("SELECT COUNT(*) AS n, SUM(total) AS t FROM credit_notes WHERE invoice_id = ?").bind(final.id).first();
    expect(notes).toEqual({ n: 1, t: 200 });
    // What is left still fits.
    const rest = await creditNotes.create(ctx, { invoiceId: final.id, lines: [{ invoiceLineId: line, amount: "100" }] });
    expect(rest.total).toBe("100.00");
  });

  it("finalize rewrites the lines only when pricing them then changes them", async () => {
    const ctx = cronContext();
    const rowsOf = async (id: string) =>
      (await env.ENTITY_ACME_UK.prepare("SELECT rowid, id, tax FROM invoice_lines WHERE invoice_id = ? ORDER BY position").bind(id).all<{ rowid: number; id: string; tax: string }>()).results;
    const customer = await customers.create(ctx, { legalName: unique("Steady buyer"), email: "steady@buyer.test", country: "GB", taxStatus: "TAXED" });
    const lines = [{ title: "Usage", quantity: "10", rate: "12.5" }, { title: "Support", quantity: "1", rate: "99" }];
    // Priced at finalize as the draft stored them: the very same rows stay.
    const steady = await invoices.create(ctx, { customerId: customer.id, currency: "GBP", lines });
    const before = await rowsOf(steady.id);
    const changed = await invoices.create(ctx, { customerId: customer.id, currency: "GBP", lines }); // rows after steady's: a rewrite would move steady's rowids past them
    const final = await invoices.finalize(ctx, steady.id, { store: env.DOCUMENTS });
    expect(await rowsOf(steady.id)).toEqual(before);
    expect(final.lines.map((l) => l.tax)).toEqual(before.map((r) => r.tax));
    expect(final.tax).not.toBe("0.00");
    // The buyer became tax-exempt after the draft was made: finalize prices the lines anew and writes them.
    const drafted = await rowsOf(changed.id);
    await env.ENTITY_ACME_UK.prepare("UPDATE customers SET tax_status = 'TAX_EXEMPT' WHERE id = ?").bind(customer.id).run();
    const exempt = await invoices.finalize(ctx, changed.id, { store: env.DOCUMENTS });
    const after = await rowsOf(changed.id);
    expect(after.map((r) => r.tax)).toEqual(["0.00", "0.00"]);
    expect(after.map((r) => r.id)).toEqual(drafted.map((r) => r.id));
    expect(exempt.lines.map((l) => l.tax)).toEqual(["0.00", "0.00"]);
    expect(exempt.tax).toBe("0.00");
  });
});
