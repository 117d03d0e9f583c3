// Invoices (API.md "invoices", "Billing runs, invoices, credit notes"), the outbox and the public
// invoice link: the schemas and permission of each operation; the lifecycle is worker/actions/invoices.ts.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import * as invoiceActions from "../actions/invoices.ts";
import { TAX_STATUSES } from "../db/customers.ts";
import { isValidDate } from "../domain/dates.ts";
import { INVOICE_STATUSES, MAX_INVOICE_LINES, MAX_PAYMENT_TERM_DAYS, PAYMENT_STATUSES } from "../domain/invoice.ts";
import { decimalString, nonNegativeMoneyAmountSchema, quantitySchema } from "../domain/money.ts";
import { MAX_DECIMALS } from "../domain/decimal.ts";
import type { AppEnv } from "../env.ts";
import { addressSchema } from "./customers.ts";
import { notFound } from "./errors.ts";
import { requirePermission } from "./middleware.ts";
import { publicEntity } from "./quotes.ts";
import { actionContext, originOf, read, respond, synced } from "./respond.ts";
import { currencyCode, entityParam, errorResponses, idParam, ifMatchHeaders, ifMatchOf, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const date = z.string().refine(isValidDate, "must be a date (YYYY-MM-DD)").openapi({ format: "date" });
/** [start, end), as billing runs write periods: `end` is the first day after the service, so a one-day service ends the next day. */
const PERIOD_ENDS = "[start, end): end is the first day after the period (a billing run's January is 2027-01-01 → 2027-02-01); documents show the last day covered";
const period = z
  .strictObject({ start: date, end: date })
  .refine((p) => p.start < p.end, { message: "must be after start: end is the first day after the service", path: ["end"] })
  .openapi({ description: PERIOD_ENDS });

const lineInput = z.strictObject({
  title: z.string().trim().min(1).max(300),
  description: z.string().max(2000).nullish(),
  quantity: quantitySchema.openapi({ example: "2" }),
  rate: decimalString({ maxDecimals: MAX_DECIMALS, nonNegative: true }).openapi({ description: "Price of one unit, a decimal string (up to 12 decimals)", example: "125.00" }),
  taxRateId: z.string().min(1).max(64).nullish(),
  priceId: z.string().min(1).max(64).nullish(),
  servicePeriod: period.nullish(),
});

const paymentTermDays = z.number().int().min(0).max(MAX_PAYMENT_TERM_DAYS).openapi({ description: "Days from issue to due (Sequence's paymentTermDays); absent or null: the merchant's defaultDueDateDays, applied at finalize", example: 14 });

const createBody = z
  .strictObject({
    customerId: z.string().min(1).max(64),
    currency: currencyCode,
    lines: z.array(lineInput).max(MAX_INVOICE_LINES).default([]),
    paymentTermDays: paymentTermDays.nullish(),
  })
  .openapi("CreateInvoice");

const patchBody = z
  .strictObject({
    customerId: z.string().min(1).max(64).optional(),
    currency: currencyCode.optional(),
    lines: z.array(lineInput).max(MAX_INVOICE_LINES).optional().openapi({ description: "Replaces all lines, in this order" }),
    paymentTermDays: paymentTermDays.nullish().openapi({ description: "null: back to the merchant's default" }),
  })
  .openapi("UpdateInvoice");

const paymentBody = z
  .strictObject({
    paymentStatus: z.enum(PAYMENT_STATUSES),
    amountPaid: nonNegativeMoneyAmountSchema.optional().openapi({ description: "Required for PARTIALLY_PAID (0 < amountPaid < payable); PAID means all of total − final credit notes" }),
  })
  .openapi("SetPaymentStatus");

const taxSummarySchema = z.object({ taxRateId: z.string().nullable(), name: z.string(), percentage: z.string(), taxable: z.string(), tax: z.string() }).openapi("TaxSummaryEntry");

const partySnapshot = {
  customer: z
    .object({
      id: z.string(),
      legalName: z.string(),
      email: z.string(),
      country: z.string(),
      taxStatus: z.enum(TAX_STATUSES),
      taxId: z.string().nullable(),
      address: addressSchema.nullable(),
      addressLines: z.array(z.string()),
    })
    .nullable()
    .openapi({ description: "The customer's details as they were at finalize; null before" }),
  merchant: z
    .object({
      name: z.string(),
      legalName: z.string(),
      country: z.string(),
      address: addressSchema.nullable(),
      addressLines: z.array(z.string()),
      taxIds: z.array(z.string()),
      email: z.string().nullable(),
      bankDetails: z.array(z.string()),
      brandColor: z.string().nullable(),
    })
    .nullable()
    .openapi({ description: "The merchant's details as they were at finalize; null before" }),
};

const invoiceFields = {
  id: z.string(),
  object: z.literal("invoice"),
  invoiceNumber: z.string().nullable().openapi({ description: "Prefix + gapless per-entity sequence; null until final (a voided draft takes one too)" }),
  status: z.enum(INVOICE_STATUSES),
  paymentStatus: z.enum(PAYMENT_STATUSES),
  customerId: z.string(),
  currency: z.string(),
  issueDate: z.string().nullable().openapi({ format: "date" }),
  dueDate: z.string().nullable().openapi({ format: "date", description: "issueDate + paymentTermDays" }),
  paymentTermDays: z.number().int().nullable().openapi({ description: "Days from issue to due: a draft's own (null = the merchant's default, applied at finalize); once final, the terms applied" }),
  lines: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string().nullable(),
      quantity: z.string(),
      rate: z.string(),
      amount: z.string().openapi({ description: "quantity × rate, rounded half-up to the currency" }),
      taxRateId: z.string().nullable(),
      taxRate: z.string().openapi({ description: 'The percentage that applied ("0" when the customer is exempt or reverse charged)' }),
      tax: z.string().openapi({ description: "This line's share of its rate's tax (the shares add up to the summary's tax exactly)" }),
      priceId: z.string().nullable(),
      servicePeriod: z.object({ start: z.string(), end: z.string() }).nullable().openapi({ description: PERIOD_ENDS }),
    }),
  ),
  subtotal: z.string(),
  tax: z.string(),
  total: z.string(),
  amountPaid: z.string(),
  amountCredited: z.string().openapi({ description: "The totals of the invoice's FINAL credit notes" }),
  amountDue: z.string().openapi({ description: "total − amountPaid − amountCredited for FINAL and SENT invoices (negative: the customer is owed); 0 for DRAFT and VOIDED" }),
  taxSummary: z.array(taxSummarySchema).openapi({ description: "Per tax rate: the sum of its lines (taxable) and the tax on that sum" }),
  notes: z.array(z.string()).openapi({ description: "e.g. the reverse-charge statement with the customer's tax id" }),
  ...partySnapshot,
  billingScheduleId: z.string().nullable(),
  billingPeriod: z.object({ start: z.string(), end: z.string() }).nullable().openapi({ description: `The schedule's period this invoice bills; ${PERIOD_ENDS}` }),
  publicUrl: z.string().nullable().openapi({ description: "The customer's link (/i/<token>), once sent" }),
  pdfSha256: z.string().nullable().openapi({ description: "SHA-256 of the final PDF, rendered once at finalize" }),
  finalizedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rev: z.number().int(),
};
export const invoiceSchema = z.object(invoiceFields).openapi("Invoice");

const { customerId: _c, rev: _r, pdfSha256: _p, createdAt: _ca, updatedAt: _u, billingScheduleId: _b, ...publicFields } = invoiceFields;
export const publicInvoiceSchema = z.object({ ...publicFields, pdfUrl: z.string() }).openapi("PublicInvoice");

export const outboxSchema = z
  .object({ id: z.string(), to: z.string(), subject: z.string(), body: z.string(), link: z.string().nullable(), subjectType: z.string(), subjectId: z.string(), createdAt: z.string() })
  .openapi("OutboxMessage");

const pdfResponse = { 200: { description: "application/pdf", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } }, ...errorResponses };

const tags = ["Invoices"];
const write = requirePermission("invoices:write");
const action = (path: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/entities/{entity}/invoices/{id}/${path}`,
    tags,
    summary,
    middleware: write,
    request: { params: idParam },
    responses: { 200: jsonResponse(invoiceSchema, "The invoice"), ...errorResponses },
  });

const routes = {
  create: createRoute({
    method: "post",
    path: "/entities/{entity}/invoices",
    tags,
    summary: "Create a DRAFT invoice (finance, admin)",
    middleware: write,
    request: { params: entityParam, ...jsonBody(createBody) },
    responses: { 201: jsonResponse(invoiceSchema, "The invoice"), ...errorResponses },
  }),
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/invoices",
    tags,
    summary: "List invoices, newest first",
    request: { params: entityParam, query: paginationQuery.extend({ status: z.enum(INVOICE_STATUSES).optional(), customerId: z.string().max(64).optional() }) },
    responses: { 200: jsonResponse(listOf(invoiceSchema, "InvoiceList"), "A page of invoices"), ...errorResponses },
  }),
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/invoices/{id}",
    tags,
    summary: "Get an invoice",
    request: { params: idParam },
    responses: { 200: jsonResponse(invoiceSchema, "The invoice"), ...errorResponses },
  }),
  patch: createRoute({
    method: "patch",
    path: "/entities/{entity}/invoices/{id}",
    tags,
    summary: 'Change a DRAFT invoice (else 409 invoice_not_editable); with If-Match: "<rev>" a newer revision is a 409 rev_conflict',
    middleware: write,
    request: { params: idParam, headers: ifMatchHeaders, ...jsonBody(patchBody) },
    responses: { 200: jsonResponse(invoiceSchema, "The invoice"), ...errorResponses },
  }),
  finalize: action("finalize", "Finalize: the gapless invoiceNumber, the parties' details frozen, the PDF rendered once and stored"),
  send: action("send", "Send to the customer's billing e-mail (the outbox) with the public link; status SENT"),
  void: action("void", "Void: a final invoice keeps its number, a draft takes one"),
  paymentStatus: createRoute({
    method: "put",
    path: "/entities/{entity}/invoices/{id}/payment-status",
    tags,
    summary: "Set the payment status of a FINAL or SENT invoice",
    middleware: write,
    request: { params: idParam, ...jsonBody(paymentBody) },
    responses: { 200: jsonResponse(invoiceSchema, "The invoice"), ...errorResponses },
  }),
  pdf: createRoute({
    method: "get",
    path: "/entities/{entity}/invoices/{id}/pdf",
    tags,
    summary: "The invoice as a PDF: a final invoice's stored bytes; a draft drawn now, marked DRAFT",
    request: { params: idParam },
    responses: pdfResponse,
  }),
  outbox: createRoute({
    method: "get",
    path: "/entities/{entity}/outbox",
    tags,
    summary: "What was sent (locally the outbox is the delivery), newest first",
    request: { params: entityParam, query: paginationQuery },
    responses: { 200: jsonResponse(listOf(outboxSchema, "OutboxList"), "A page of sent messages"), ...errorResponses },
  }),
};

export function pdfBody(c: Context<AppEnv>, bytes: Uint8Array, filename: string, cache = "private, no-store") {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "content-type": "application/pdf", "content-disposition": `inline; filename="${filename}.pdf"`, "cache-control": cache });
}

export const invoices = new OpenAPIHono<AppEnv>()
  .openapi(routes.create, (c) => {
    const body = c.req.valid("json");
    return respond(c, 201, (ctx) => invoiceActions.create(ctx, body));
  })
  .openapi(routes.list, async (c) => {
    const page = await invoiceActions.list(actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.get, (c) => read(c, (ctx) => invoiceActions.get(ctx, c.req.valid("param").id)))
  .openapi(routes.patch, (c) => respond(c, 200, (ctx) => invoiceActions.revise(ctx, c.req.valid("param").id, c.req.valid("json"), ifMatchOf(c))))
  .openapi(routes.finalize, (c) => respond(c, 200, (ctx) => synced(c.env, ctx, invoiceActions.finalize(ctx, c.req.valid("param").id, { store: c.env.DOCUMENTS, queue: c.env.DOCUMENTS_QUEUE }))))
  .openapi(routes.send, (c) => respond(c, 200, (ctx) => invoiceActions.send(ctx, c.req.valid("param").id)))
  .openapi(routes.void, (c) => respond(c, 200, (ctx) => synced(c.env, ctx, invoiceActions.voidInvoice(ctx, c.req.valid("param").id))))
  .openapi(routes.paymentStatus, (c) => respond(c, 200, (ctx) => synced(c.env, ctx, invoiceActions.setPaymentStatus(ctx, c.req.valid("param").id, c.req.valid("json")))))
  .openapi(routes.pdf, async (c) => {
    const { invoice, bytes } = await invoiceActions.pdf(actionContext(c), c.req.valid("param").id, c.env.DOCUMENTS);
    return pdfBody(c, bytes, invoice.invoiceNumber ?? `draft-${invoice.id}`);
  })
  .openapi(routes.outbox, async (c) => {
    const page = await invoiceActions.listOutbox(actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  });

// ---- the customer link: no login; the token's entity part routes it to that entity's database ----

const token = z.object({ token: z.string().min(1).max(200) });
const publicRoutes = {
  get: createRoute({
    method: "get",
    path: "/public/invoices/{token}",
    tags: ["Public invoice"],
    summary: "A sent invoice (no login)",
    request: { params: token },
    responses: { 200: jsonResponse(publicInvoiceSchema, "The invoice"), ...errorResponses },
  }),
  pdf: createRoute({
    method: "get",
    path: "/public/invoices/{token}/pdf",
    tags: ["Public invoice"],
    summary: "A sent invoice's PDF (no login)",
    request: { params: token },
    responses: pdfResponse,
  }),
};

async function publicContext(c: Context<AppEnv>, t: string) {
  const found = await publicEntity(c, t);
  if (!found) throw notFound("Invoice");
  return { ...found, actor: { type: "system" as const, id: "customer" }, requestId: c.get("requestId"), origin: originOf(c) };
}

export const publicInvoices = new OpenAPIHono<AppEnv>()
  .openapi(publicRoutes.get, async (c) => {
    const t = c.req.valid("param").token;
    const found = await invoiceActions.findSent((await publicContext(c, t)).db, t);
    if (!found) throw notFound("Invoice");
    return c.json(invoiceActions.publicView(found.invoice, found.credited, originOf(c)), 200);
  })
  .openapi(publicRoutes.pdf, async (c) => {
    const t = c.req.valid("param").token;
    const { invoice, bytes } = await invoiceActions.publicPdf(await publicContext(c, t), t, c.env.DOCUMENTS);
    return pdfBody(c, bytes, invoice.invoiceNumber ?? invoice.id);
  });

