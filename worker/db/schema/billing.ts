// Tax rates, invoices, credit notes and the outbox of one entity (DESIGN.md §3, API.md "invoices",
// "credit notes", "tax"). Money columns are decimal strings; the `*_minor` integers beside some of
// them are the same amounts in minor units, only so that SQL guards can add them up exactly (the
// credit limit of an invoice line), never read back as money.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { CreditNoteStatus, InvoiceStatus, PaymentStatus, TaxSummaryEntry } from "../../domain/invoice.ts";
import type { CustomerSnapshot, MerchantSnapshot } from "../invoices.ts";

export const taxRates = sqliteTable("tax_rates", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** "20" is 20 % */
  percentage: text("percentage").notNull(),
  country: text("country"),
  category: text("category"),
  createdAt: text("created_at").notNull(),
});

export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    /** null until final (or a voided draft): prefix + gapless per-entity sequence */
    invoiceNumber: text("invoice_number").unique(),
    customerId: text("customer_id").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<InvoiceStatus>().notNull(),
    paymentStatus: text("payment_status").$type<PaymentStatus>().notNull(),
    amountPaid: text("amount_paid").notNull(),
    issueDate: text("issue_date"),
    dueDate: text("due_date"),
    subtotal: text("subtotal").notNull(),
    tax: text("tax").notNull(),
    total: text("total").notNull(),
    taxSummary: text("tax_summary", { mode: "json" }).$type<TaxSummaryEntry[]>().notNull(),
    notes: text("notes", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** the customer's and merchant's details as they were at finalize */
    customerSnapshot: text("customer_snapshot", { mode: "json" }).$type<CustomerSnapshot>(),
    merchantSnapshot: text("merchant_snapshot", { mode: "json" }).$type<MerchantSnapshot>(),
    /** a billing run's invoice: one per schedule and billing day (billing_key, the unique index below) */
    billingScheduleId: text("billing_schedule_id"),
    billingPeriodStart: text("billing_period_start"),
    billingPeriodEnd: text("billing_period_end"),
    publicToken: text("public_token").unique(),
    /** the final PDF in R2 (DOCUMENTS), content-addressed, and its SHA-256 */
    pdfKey: text("pdf_key"),
    pdfSha256: text("pdf_sha256"),
    finalizedAt: text("finalized_at"),
    sentAt: text("sent_at"),
    voidedAt: text("voided_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    rev: integer("rev").notNull(),
    /** A billing run's key, `<scheduleId>:<billingDate>` (domain/billing-run.ts): unique per schedule. */
    billingKey: text("billing_key"),
    /** The run that created it (null for manual invoices). */
    billingRunId: text("billing_run_id"),
    /** Days from issue to due; null on a draft = the merchant's default, applied (and kept) at finalize */
    paymentTermDays: integer("payment_term_days"),
  },
  (t) => [
    uniqueIndex("invoices_schedule_billing_key").on(t.billingScheduleId, t.billingKey),
    index("invoices_billing_run").on(t.billingRunId, t.id),
    index("invoices_status").on(t.status, t.id),
    index("invoices_customer").on(t.customerId, t.id),
  ],
);

export const invoiceLines = sqliteTable(
  "invoice_lines",
  {
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id),
    id: text("id").notNull(),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    quantity: text("quantity").notNull(),
    rate: text("rate").notNull(),
    amount: text("amount").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    taxRateId: text("tax_rate_id"),
    /** the percentage that applied ("0" when exempt or reverse charged) */
    taxRate: text("tax_rate").notNull(),
    tax: text("tax").notNull(),
    priceId: text("price_id"),
    servicePeriodStart: text("service_period_start"),
    servicePeriodEnd: text("service_period_end"),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.id] }), index("invoice_lines_id").on(t.id)],
);

export const creditNotes = sqliteTable(
  "credit_notes",
  {
    id: text("id").primaryKey(),
    creditNoteNumber: text("credit_note_number").unique(),
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id),
    customerId: text("customer_id").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<CreditNoteStatus>().notNull(),
    reason: text("reason"),
    issueDate: text("issue_date"),
    subtotal: text("subtotal").notNull(),
    tax: text("tax").notNull(),
    total: text("total").notNull(),
    pdfKey: text("pdf_key"),
    pdfSha256: text("pdf_sha256"),
    finalizedAt: text("finalized_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    rev: integer("rev").notNull(),
  },
  (t) => [index("credit_notes_invoice").on(t.invoiceId, t.id), index("credit_notes_status").on(t.status, t.id)],
);

export const creditNoteLines = sqliteTable(
  "credit_note_lines",
  {
    creditNoteId: text("credit_note_id")
      .notNull()
      .references(() => creditNotes.id),
    id: text("id").notNull(),
    position: integer("position").notNull(),
    invoiceLineId: text("invoice_line_id").notNull(),
    title: text("title").notNull(),
    /** null when credited by amount */
    quantity: text("quantity"),
    amount: text("amount").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    tax: text("tax").notNull(),
  },
  (t) => [primaryKey({ columns: [t.creditNoteId, t.id] }), index("credit_note_lines_invoice_line").on(t.invoiceLineId)],
);

/** What was sent (e-mails): locally the outbox is the delivery; GET /outbox lists it. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("outbox_subject").on(t.subjectId, t.id)],
);
