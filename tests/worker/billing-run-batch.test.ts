// A billing run's invoice batch (worker/db/billing-runs.ts RunBatch): each invoice's JSON goes to D1 once,
// as its event's data, and the invoice row, its lines and its audit row are read out of that event.
// What lands in the tables must be exactly the invoice the domain made — awkward values, an event too
// large to carry the whole invoice, and a key invoiced already (nothing written the second time).
import { describe, expect, it } from "vitest";
import { EVENT_MAX_BYTES } from "../../worker/db/changes.ts";
import { loadInvoice, type StoredInvoice } from "../../worker/db/invoices.ts";
import { RunBatch } from "../../worker/db/billing-runs.ts";
import { newId } from "../../worker/lib/crypto.ts";
import { DE_DB } from "../support/billing-runs.ts";

const actor = { type: "system" as const, id: "billing-run", name: "Billing run" };
const at = "2044-02-03T04:05:06.789Z";

function invoice(scheduleId: string, key: string, lines: StoredInvoice["lines"], extra: Partial<StoredInvoice> = {}): StoredInvoice {
  return {
    id: newId("inv"),
    invoiceNumber: null,
    customerId: "cus_batch_test",
    currency: "EUR",
    status: "DRAFT",
    paymentStatus: "UNPAID",
    amountPaid: "0.00",
    issueDate: null,
    dueDate: null,
    paymentTermDays: 14,
    subtotal: "10.00",
    tax: "1.90",
    total: "11.90",
    taxSummary: [{ taxRateId: "txr_x", name: 'VAT "19%"', percentage: "19", taxable: "10.00", tax: "1.90" }] as any,
    notes: ["Reverse charge: the recipient accounts for VAT — Art. 196\nVAT id \"DE123\""],
    customerSnapshot: null,
    merchantSnapshot: null,
    billingScheduleId: scheduleId,
    billingPeriodStart: "2044-01-01",
    billingPeriodEnd: "2044-01-31",
    billingKey: key,
    billingRunId: "brun_batch_test",
    publicToken: null,
    pdfKey: null,
    pdfSha256: null,
    finalizedAt: null,
    sentAt: null,
    voidedAt: null,
    createdAt: at,
    updatedAt: at,
    rev: 1,
    lines,
    ...extra,
  };
}

const line = (position: number, extra: Partial<StoredInvoice["lines"][number]> = {}): StoredInvoice["lines"][number] => ({
  id: newId("inl"),
  position,
  title: `Line ${position} — "quoted" \\ back\u00e9`,
  description: null,
  quantity: "1",
  rate: "10.00",
  amount: "10.00",
  amountMinor: 1000,
  taxRateId: null,
  taxRate: "0",
  tax: "0.00",
  priceId: null,
  servicePeriodStart: null,
  servicePeriodEnd: null,
  ...extra,
});

const count = (sql: string, ...params: unknown[]) =>
  DE_DB()
    .prepare(sql)
    .bind(...params)
    .first<{ n: number }>()
    .then((r) => r!.n);

describe("billing-run invoice batch", () => {
  it("stores each invoice, its lines, event and audit row exactly as made", async () => {
    const schedule = newId("bsch");
    const one = invoice(schedule, `${schedule}:2044-01-01`, [line(0)]);
    const three = invoice(schedule, `${schedule}:2044-02-01`, [
      line(0, { description: "Platform, monthly", priceId: "price_x", taxRateId: "txr_x", taxRate: "19", tax: "1.90", servicePeriodStart: "2044-02-01", servicePeriodEnd: "2044-02-29" }),
      line(1, { quantity: "2.5", rate: "0.0001", amount: "0.00", amountMinor: 0 }),
      line(2, { title: "Minimum true-up", amount: "123456789.12", amountMinor: 12345678912 }),
    ]);
    const batch = new RunBatch(DE_DB(), actor, at);
    batch.invoice(one);
    batch.invoice(three);
    const events = await batch.commit();
    for (const made of [one, three]) {
      const stored = await loadInvoice(DE_DB(), made.id);
      expect(stored?.invoice).toEqual(made);
      const event = events.find((e) => e.subject.id === made.id)!;
      expect(event.kind).toBe("invoice.created");
      const row = await DE_DB().prepare("SELECT seq, data FROM events WHERE subject_id = ? AND kind = 'invoice.created'").bind(made.id).first<{ seq: number; data: string }>();
      expect(row!.seq).toBe(event.seq);
      expect(JSON.parse(row!.data)).toEqual(event.data);
      expect((event.data as any).invoice.lines).toHaveLength(made.lines.length);
      const audit = await DE_DB().prepare("SELECT after FROM audit_log WHERE subject_id = ? AND action = 'invoice.created'").bind(made.id).all<{ after: string }>();
      expect(audit.results.map((a) => JSON.parse(a.after))).toEqual([(event.data as any).invoice]);
    }
  });

  it("an invoice too large for its event is still stored whole; its event is bounded", async () => {
    const schedule = newId("bsch");
    const lines = Array.from({ length: 90 }, (_, i) => line(i, { description: "x".repeat(400) }));
    const big = invoice(schedule, `${schedule}:2044-01-01`, lines);
    const batch = new RunBatch(DE_DB(), actor, at);
    batch.invoice(big);
    const [event] = await batch.commit();
    expect(JSON.stringify({ invoice: big }).length).toBeGreaterThan(EVENT_MAX_BYTES);
    expect(event.data).toMatchObject({ truncated: true, invoice: { id: big.id, truncated: true } });
    expect((await loadInvoice(DE_DB(), big.id))?.invoice).toEqual(big);
    expect(await count("SELECT COUNT(*) n FROM invoice_lines WHERE invoice_id = ?", big.id)).toBe(90);
  });

  it("a key invoiced already writes nothing: no invoice, line, event or audit row", async () => {
    const schedule = newId("bsch");
    const key = `${schedule}:2044-01-01`;
    const first = new RunBatch(DE_DB(), actor, at);
    first.invoice(invoice(schedule, key, [line(0)]));
    expect(await first.commit()).toHaveLength(1);
    const again = invoice(schedule, key, [line(0), line(1)]);
    const fresh = invoice(schedule, `${schedule}:2044-02-01`, [line(0)]);
    const second = new RunBatch(DE_DB(), actor, at);
    second.invoice(again);
    second.invoice(fresh);
    const events = await second.commit();
    expect(events.map((e) => e.subject.id)).toEqual([fresh.id]);
    expect(await count("SELECT COUNT(*) n FROM invoices WHERE billing_schedule_id = ?", schedule)).toBe(2);
    expect(await count("SELECT COUNT(*) n FROM invoices WHERE id = ?", again.id)).toBe(0);
    expect(await count("SELECT COUNT(*) n FROM invoice_lines WHERE invoice_id = ?", again.id)).toBe(0);
    expect(await count("SELECT COUNT(*) n FROM events WHERE subject_id = ?", again.id)).toBe(0);
    expect(await count("SELECT COUNT(*) n FROM audit_log WHERE subject_id = ?", again.id)).toBe(0);
    expect((await loadInvoice(DE_DB(), fresh.id))?.invoice).toEqual(fresh);
  });
});
