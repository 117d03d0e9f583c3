// The web's billing helpers: a customer's balance (web/src/lib/billing/balance.ts), summed exactly per
// currency from final unpaid invoices, and a billing run's progress as events and polls report it
// (web/src/lib/billing/runs.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balances, isOpen } from "../../web/src/lib/billing/balance.ts";
import { laterOf, percentDone, runFromEvent, type BillingRun } from "../../web/src/lib/billing/runs.ts";

type Inv = Parameters<typeof isOpen>[0];
const inv = (status: Inv["status"], paymentStatus: Inv["paymentStatus"], amountDue: string, currency = "USD"): Inv => ({ status, paymentStatus, amountDue, currency });

describe("balances", () => {
  it("counts final and sent invoices not yet paid; drafts, voided, paid and uncollectible ones not", () => {
    const list = [
      inv("FINAL", "UNPAID", "100.10"),
      inv("SENT", "PARTIALLY_PAID", "0.20"),
      inv("DRAFT", "UNPAID", "999.00"),
      inv("VOIDED", "UNPAID", "50.00"),
      inv("SENT", "PAID", "0.00"),
      inv("FINAL", "UNCOLLECTIBLE", "70.00"),
    ];
    expect(balances(list)).toEqual([{ currency: "USD", amount: "100.30", invoices: 2 }]);
  });

  it("keeps currencies apart, in the order they first appear, with each currency's digits", () => {
    const list = [inv("FINAL", "UNPAID", "1", "JPY"), inv("FINAL", "UNPAID", "0.1", "USD"), inv("SENT", "UNPAID", "2", "JPY"), inv("FINAL", "UNPAID", "1.234", "KWD")];
    expect(balances(list)).toEqual([
      { currency: "JPY", amount: "3", invoices: 2 },
      { currency: "USD", amount: "0.10", invoices: 1 },
      { currency: "KWD", amount: "1.234", invoices: 1 },
    ]);
  });

  it("is an empty list when nothing is owed", () => {
    expect(balances([inv("DRAFT", "UNPAID", "10.00")])).toEqual([]);
  });

  it("sums exactly (property: the sum of the cents, where floats would drift)", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), { minLength: 1, maxLength: 40 }), (cents) => {
        const dec = (c: bigint) => `${c < 0n ? "-" : ""}${(c < 0n ? -c : c) / 100n}.${((c < 0n ? -c : c) % 100n).toString().padStart(2, "0")}`;
        const total = cents.reduce((a, b) => a + b, 0n);
        const [b] = balances(cents.map((c) => inv("FINAL", "UNPAID", dec(c))));
        expect(b.amount).toBe(dec(total));
        expect(b.invoices).toBe(cents.length);
      }),
    );
  });
});

describe("billing run progress", () => {
  const run: BillingRun = { id: "br_1", asOf: "2027-01-31", status: "RUNNING", schedules: 250, invoicesCreated: 0 };

  it("reads a progress event carrying the run, or its figures, and ignores other runs", () => {
    const carried = runFromEvent(run, { kind: "billing_run.progress", subject: { type: "billing_run", id: "br_1" }, data: { billingRun: { id: "br_1", status: "RUNNING", chunksTotal: 3, chunksDone: 1, invoicesCreated: 100 } } });
    expect(carried).toMatchObject({ chunksDone: 1, chunksTotal: 3, invoicesCreated: 100 });
    expect(percentDone(carried!)).toBe(33);
    const flat = runFromEvent(run, { kind: "billing_run.progress", subject: { type: "billing_run", id: "br_1" }, data: { processed: 125 } });
    expect(percentDone(flat!)).toBe(50);
    expect(runFromEvent(run, { kind: "billing_run.progress", subject: { type: "billing_run", id: "br_2" }, data: { processed: 5 } })).toBeNull();
  });

  it("a completed event finishes the bar even without a status field", () => {
    const done = runFromEvent(run, { kind: "billing_run.completed", subject: { type: "billing_run", id: "br_1" }, data: { invoicesCreated: 240 } });
    expect(done).toMatchObject({ status: "COMPLETED", invoicesCreated: 240 });
    expect(percentDone(done!)).toBe(100);
  });

  it("never moves back: an older poll after a newer event keeps the newer figures, a finished run stays finished", () => {
    const newer = { ...run, processed: 200 };
    expect(laterOf(newer, { ...run, processed: 100 }).processed).toBe(200);
    expect(laterOf({ ...run, processed: 100 }, newer).processed).toBe(200);
    const completed = { ...run, status: "COMPLETED" as const, invoiceIds: ["inv_1"] };
    expect(laterOf(completed, { ...run, processed: 10 }).status).toBe("COMPLETED");
    expect(laterOf(newer, completed)).toMatchObject({ status: "COMPLETED", invoiceIds: ["inv_1"] });
  });

  it("an empty run is 0 % while running and 100 % once complete", () => {
    expect(percentDone({ ...run, schedules: 0 })).toBe(0);
    expect(percentDone({ ...run, schedules: 0, status: "COMPLETED" })).toBe(100);
  });
});
