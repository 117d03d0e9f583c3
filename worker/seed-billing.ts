// The demo's billing (API.md "Demo data"; issue 12): each demo entity's tax rates, billing schedules
// (an ACTIVE ramp with a minimum, a PENDING one starting next month, a DRAFT) and invoices in every
// state — DRAFT, FINAL, SENT with a final credit note, PAID, VOIDED.
// Rates, schedules and drafts join the seed's one batch (`seedBillingStep`). Finalizing, sending,
// paying and crediting then go through the very actions the API calls (`seedBillingLifecycle`):
// a final document's PDF is drawn and stored after its batch. Each step first looks at where its
// invoice stands, so a seed cut off halfway resumes where it stopped and never repeats a step.
import type { Actor } from "../party/protocol.ts";
import * as creditNotes from "./actions/credit-notes.ts";
import type { DocumentStore } from "./actions/documents.ts";
import * as invoices from "./actions/invoices.ts";
import type { ActionContext } from "./actions/context.ts";
import type { ChangeSet } from "./db/changes.ts";
import type { CustomerInput } from "./db/customers.ts";
import { insertSchedule, scheduleView, type StoredSchedule } from "./db/schedules.ts";
import { insertTaxRate, type TaxRate } from "./db/tax-rates.ts";
import { activate } from "./domain/billing-run.ts";
import { addMonthsTo, localDate, type IsoDate } from "./domain/dates.ts";
import type { QuotePrice } from "./domain/quote.ts";
import { scheduleDraft, scheduleIssues, type ScheduleInput } from "./domain/schedule.ts";
import type { EntityRecord } from "./env.ts";
import { demoInvoiceId, demoScheduleId } from "./seed-ids.ts";

export const DEMO_BILLING_MARKER = "demo_seed_billing";

/** Each entity's tax rates. */
const DEMO_TAX_RATES: Record<string, Omit<TaxRate, "id" | "createdAt">[]> = {
  us: [{ name: "Sales tax (NY)", percentage: "8.875", country: "US", category: "standard" }],
  uk: [
    { name: "VAT 20%", percentage: "20", country: "GB", category: "standard" },
    { name: "VAT 5%", percentage: "5", country: "GB", category: "reduced" },
  ],
  de: [
    { name: "USt 19%", percentage: "19", country: "DE", category: "standard" },
    { name: "USt 7%", percentage: "7", country: "DE", category: "reduced" },
  ],
};

type DemoCustomer = { id: string; taxStatus: CustomerInput["taxStatus"] };

/** Where each demo invoice ends up (`seedBillingLifecycle` takes it there). */
const DEMO_INVOICES: { state: "DRAFT" | "FINAL" | "SENT" | "PAID" | "VOIDED"; customer: (all: DemoCustomer[]) => DemoCustomer | undefined; lines: { title: string; quantity: string; rate: string }[] }[] = [
  { state: "DRAFT", customer: (all) => all[0], lines: [{ title: "Implementation services", quantity: "12", rate: "150.00" }, { title: "Training day", quantity: "1", rate: "1200.00" }] },
  { state: "DRAFT", customer: (all) => all.at(-1), lines: [{ title: "Platform licence — annual", quantity: "1", rate: "24000.00" }] },
  { state: "FINAL", customer: (all) => all[0], lines: [{ title: "Data migration", quantity: "1", rate: "3500.00" }] },
  // The last customer: in acme-de a reverse-charged business in France (0 %, the statement, its VAT id).
  { state: "SENT", customer: (all) => all.at(-1), lines: [{ title: "Premium support — quarter", quantity: "3", rate: "800.00" }, { title: "On-site workshop (days)", quantity: "2", rate: "1500.00" }] },
  { state: "PAID", customer: (all) => all[0], lines: [{ title: "Platform setup", quantity: "1", rate: "2000.00" }] },
  { state: "VOIDED", customer: (all) => all[0], lines: [{ title: "Training day (raised twice)", quantity: "1", rate: "1200.00" }] },
];


/** Tax rates, the demo's schedules and every demo invoice as a DRAFT, in the seed's batch. */
export function seedBillingStep(changes: ChangeSet, entity: EntityRecord, customers: DemoCustomer[], prices: Map<string, QuotePrice>, key: string) {
  const rates = new Map<string, TaxRate>();
  (DEMO_TAX_RATES[key] ?? []).forEach((r, i) => {
    const rate = { ...r, id: `txr_${key}_${i + 1}`, createdAt: changes.at };
    insertTaxRate(changes, rate);
    rates.set(rate.id, rate);
  });
  const standard = rates.size ? `txr_${key}_1` : null;
  DEMO_INVOICES.forEach((d, i) => {
    const customer = d.customer(customers);
    if (!customer) return;
    const lines = d.lines.map((l) => ({ ...l, taxRateId: standard }));
    invoices.draftStep(changes, { id: demoInvoiceId(key, i + 1), customer, currency: entity.currency, lines }, rates, null);
  });
  if (customers.length) seedSchedules(changes, entity, customers, prices, key);
}

/** An ACTIVE ramp (20 % off for its first three months, then list price with a minimum), a PENDING and a DRAFT schedule. */
function seedSchedules(changes: ChangeSet, entity: EntityRecord, customers: DemoCustomer[], prices: Map<string, QuotePrice>, key: string) {
  const on = localDate(changes.at, entity.timezone);
  const month = `${on.slice(0, 7)}-01` as IsoDate;
  const price = (k: string, quantity: string) => ({ priceId: `price_${key}_${k}`, quantity });
  const demo: { id: string; activate: boolean; input: ScheduleInput }[] = [
    {
      id: demoScheduleId(key, 1),
      activate: true,
      input: {
        customerId: customers[0].id,
        currency: entity.currency,
        startDate: addMonthsTo(month, -2),
        endDate: addMonthsTo(month, 10),
        phases: [
          { endDate: addMonthsTo(month, 1), prices: [price("platform_monthly", "1"), price("seats_monthly", "10")], discounts: [{ type: "PERCENTAGE", value: "20" }] },
          { prices: [price("platform_monthly", "1"), price("seats_monthly", "10")], minimum: { amount: "1500.00" } },
        ],
      },
    },
    {
      id: demoScheduleId(key, 2),
      activate: true,
      // Net 14 of its own, where the merchant's default is 30.
      input: { customerId: customers[1 % customers.length].id, currency: entity.currency, startDate: addMonthsTo(month, 1), endDate: addMonthsTo(month, 25), defaultDueDateDays: 14, phases: [{ prices: [price("platform_yearly", "1"), price("onboarding_once", "1")] }] },
    },
    {
      id: demoScheduleId(key, 3),
      activate: false,
      input: { customerId: customers[customers.length - 1].id, currency: entity.currency, startDate: addMonthsTo(month, 1), endDate: addMonthsTo(month, 13), phases: [{ prices: [price("api_graduated", "25000"), price("storage_package", "250")] }] },
    },
  ];
  for (const d of demo) {
    const issues = scheduleIssues(d.input, prices);
    if (issues.length) throw new Error(`demo schedule ${d.id}: ${issues[0].path}: ${issues[0].message}`);
    const draft = scheduleDraft(d.id, d.input);
    const row: StoredSchedule = { ...draft, status: d.activate ? activate(draft, on) : "DRAFT", quoteId: null, activatedAt: d.activate ? changes.at : null, cancelledAt: null, createdAt: changes.at, updatedAt: changes.at, rev: 1 };
    insertSchedule(changes, row);
    const view = scheduleView(row, prices, on);
    changes.record({ kind: "billing_schedule.created", subject: { type: "billing_schedule", id: row.id }, data: { billingSchedule: view }, after: view });
    if (d.activate) changes.record({ kind: "billing_schedule.activated", subject: { type: "billing_schedule", id: row.id }, data: { billingSchedule: view }, after: view });
  }
}

/**
 * Take each demo invoice to its state through the API's actions: finalize (number, snapshot, PDF),
 * send (outbox, public link), a credit note on the sent one, a payment, a voided draft (which takes
 * a number too). Resumable: each step runs only if the invoice is not there yet.
 */
export async function seedBillingLifecycle(db: D1Database, entity: EntityRecord, actor: Actor, store: DocumentStore, key: string) {
  const ctx: ActionContext = { entity, db, actor, requestId: null, origin: null };
  for (const [i, d] of DEMO_INVOICES.entries()) {
    const id = demoInvoiceId(key, i + 1);
    let invoice = await invoices.get(ctx, id).catch(() => null);
    if (!invoice || d.state === "DRAFT") continue;
    if (d.state === "VOIDED") {
      if (invoice.status === "DRAFT") await invoices.voidInvoice(ctx, id);
      continue;
    }
    if (invoice.status === "DRAFT") invoice = await invoices.finalize(ctx, id, { store });
    if (d.state === "FINAL") continue;
    if (invoice.status === "FINAL") invoice = await invoices.send(ctx, id);
    if (d.state === "PAID" && invoice.paymentStatus === "UNPAID") await invoices.setPaymentStatus(ctx, id, { paymentStatus: "PAID" });
    if (d.state === "SENT") {
      const existing = (await creditNotes.list(ctx, { limit: 1, invoiceId: id })).items[0];
      // One workshop day did not happen: credited by quantity on that line.
      const note = existing ?? (await creditNotes.create(ctx, { invoiceId: id, reason: "One workshop day cancelled", lines: [{ invoiceLineId: invoice.lines[1].id, quantity: "1" }] }));
      if (note.status === "DRAFT") await creditNotes.finalize(ctx, note.id, { store });
    }
  }
}
