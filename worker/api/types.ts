// The API's response shapes, inferred from the zod schemas the routes validate and document with.
// The web app imports these (types only, through $worker/api/types.ts): one source for both sides.
import type { z } from "@hono/zod-openapi";
import type { Hono } from "hono";
import type { evaluationSchema, workflowSchema } from "./approvals.ts";
import type { auditEntrySchema } from "./audit.ts";
import type { me } from "./auth.ts";
import type { catalog, productSchema, priceSchema } from "./catalog.ts";
import type { addressSchema, contactSchema, customerSchema, createCustomerBody, updateCustomerBody } from "./customers.ts";
import type { entities } from "./entities.ts";
import type { merchant } from "./merchant.ts";
import type { publicQuoteSchema, quotes, quoteSchema } from "./quotes.ts";
import type { errorSchema } from "./schemas.ts";
import type { invoices, invoiceSchema, outboxSchema, publicInvoiceSchema } from "./invoices.ts";
import type { creditNoteSchema } from "./credit-notes.ts";
import type { taxRateSchema } from "./tax-rates.ts";
import type { executedQuoteSchema, scheduleSchema, schedules } from "./schedules.ts";
import type { approvalSummarySchema, historyEntrySchema, memberSchema, taskSchema, termsChangeSchema, termsSnapshotSchema } from "./task-schemas.ts";
import type { tasks } from "./tasks.ts";
import type { billingRunPreviewSchema, billingRunSchema } from "./billing-runs.ts";

// Where a schema is not exported, the route's declared JSON body or 200 answer is read from the
// exported app's route table (hono keeps it in the app's type), so nothing is restated here.
type RoutesOf<App> = App extends Hono<never, infer S, string> ? S : App extends Hono<infer _E, infer S, infer _B> ? S : never;
type Route<App, Path extends keyof RoutesOf<App>, Method extends keyof RoutesOf<App>[Path]> = RoutesOf<App>[Path][Method];
type JsonBody<R> = R extends { input: { json: infer J } } ? J : never;
type Ok<R> = R extends { output: infer O; status: 200 | 201 } ? O : never;

export type Product = z.infer<typeof productSchema>;
export type ProductInput = JsonBody<Route<typeof catalog, "/entities/:entity/products", "$post">>;
export type ProductUpdate = JsonBody<Route<typeof catalog, "/entities/:entity/products/:id", "$patch">>;
export type Price = z.infer<typeof priceSchema>;
/** The body of POST /prices; `structure` as the editor built it (the server says what is wrong). */
export type PriceInput = Omit<JsonBody<Route<typeof catalog, "/entities/:entity/prices", "$post">>, "structure"> & { structure: unknown };
export type PricingPreviewResult = Ok<Route<typeof catalog, "/entities/:entity/pricing/preview", "$post">>;
export type Address = z.infer<typeof addressSchema>;
export type Contact = z.infer<typeof contactSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type CustomerCreate = z.input<typeof createCustomerBody>;
export type CustomerUpdate = z.input<typeof updateCustomerBody>;
export type TaxStatus = Customer["taxStatus"];
export type Quote = z.infer<typeof quoteSchema>;
export type QuoteLineView = Quote["lines"][number];
export type QuoteCreate = JsonBody<Route<typeof quotes, "/entities/:entity/quotes", "$post">>;
export type Merchant = Ok<Route<typeof merchant, "/entities/:entity/merchant", "$get">>;
export type MerchantInput = JsonBody<Route<typeof merchant, "/entities/:entity/merchant", "$put">>;
export type ApiErrorBody = z.infer<typeof errorSchema>;
export type ErrorDetail = NonNullable<ApiErrorBody["error"]["details"]>[number];
export type Entity = Ok<Route<typeof entities, "/entities", "$get">>["items"][number];
export type EnvironmentName = Entity["environment"];
/** GET /api-keys: a key as listed (never its secret). */
export type ApiKey = Ok<Route<typeof entities, "/entities/:entity/api-keys", "$get">>["items"][number];
export type ApiKeyCreate = JsonBody<Route<typeof entities, "/entities/:entity/api-keys", "$post">>;
/** POST /api-keys: the new key with its secret, shown this once (`key` is null on a replay). */
export type CreatedApiKey = Ok<Route<typeof entities, "/entities/:entity/api-keys", "$post">>;
export type Me = Ok<Route<typeof me, "/me", "$get">>;
export type User = NonNullable<Me["user"]>;
/** GET /public/quotes/{token}: the published document and where the quote stands now. */
export type PublicQuote = z.infer<typeof publicQuoteSchema>;
export type PublicQuoteLine = PublicQuote["lines"][number];
export type QuoteTotals = Quote["totals"];
/** GET /audit-log?subjectId=: one row of a subject's history. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;
/** GET /invoices/{id}: lines, totals, taxSummary, notes, and once final the parties' details as they were. */
export type Invoice = z.infer<typeof invoiceSchema>;
export type InvoiceLine = Invoice["lines"][number];
export type InvoiceCreate = JsonBody<Route<typeof invoices, "/entities/:entity/invoices", "$post">>;
export type InvoiceUpdate = JsonBody<Route<typeof invoices, "/entities/:entity/invoices/:id", "$patch">>;
export type TaxSummaryEntry = Invoice["taxSummary"][number];
/** GET /public/invoices/{token}: a sent invoice, without login. */
export type PublicInvoice = z.infer<typeof publicInvoiceSchema>;
export type CreditNote = z.infer<typeof creditNoteSchema>;
export type TaxRate = z.infer<typeof taxRateSchema>;
/** GET /outbox: one message sent (locally the outbox is the delivery). */
export type OutboxMessage = z.infer<typeof outboxSchema>;
/** GET /billing-schedules/{id}: phases, the status as of today, nextInvoiceDate and the upcoming invoices. */
export type BillingSchedule = z.infer<typeof scheduleSchema>;
export type BillingSchedulePhase = BillingSchedule["phases"][number];
export type UpcomingInvoice = BillingSchedule["upcomingInvoices"][number];
export type BillingScheduleCreate = JsonBody<Route<typeof schedules, "/entities/:entity/billing-schedules", "$post">>;
/** POST /quotes/{id}/execute: the EXECUTED quote with billingScheduleId and its schedule. */
export type ExecutedQuote = z.infer<typeof executedQuoteSchema>;
/** GET /approval-workflow: the ordered rules, their version (If-Match) and when they were saved. */
export type ApprovalWorkflowView = z.infer<typeof workflowSchema>;
/** POST /approval-workflow/evaluate: the rule a quote hits, condition by condition. */
export type ApprovalEvaluation = z.infer<typeof evaluationSchema>;
export type ConditionResult = ApprovalEvaluation["conditions"][number];
/** An approval task (GET /tasks), and with its detail (GET /tasks/{id}). */
export type Task = z.infer<typeof taskSchema>;
export type TaskStatus = Task["status"];
export type TaskWithDetail = Ok<Route<typeof tasks, "/entities/:entity/tasks/:id", "$get">>;
export type TaskDetail = TaskWithDetail["detail"];
export type TaskChange = z.infer<typeof termsChangeSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type HistoryAction = HistoryEntry["action"];
export type ApprovedTerms = z.infer<typeof termsSnapshotSchema>;
/** A quote's latest submission (Quote.approval). */
export type QuoteApproval = z.infer<typeof approvalSummarySchema>;
export type Member = z.infer<typeof memberSchema>;
/** GET /billing-runs/{id}: progress is chunksDone / chunksTotal; invoiceIds once COMPLETED. */
export type BillingRun = z.infer<typeof billingRunSchema>;
/** POST /billing-runs with dryRun: true (200). */
export type BillingRunPreview = z.infer<typeof billingRunPreviewSchema>;
export type BillingRunWarning = BillingRunPreview["warnings"][number];
export interface Page<T> {
  items: T[];
  pagination: { after: string | null };
}
