// Credit notes (API.md "credit notes"): the schemas and permission of each operation; the lifecycle
// is worker/actions/credit-notes.ts.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as creditNoteActions from "../actions/credit-notes.ts";
import { CREDIT_NOTE_STATUSES, MAX_INVOICE_LINES } from "../domain/invoice.ts";
import { moneyAmountSchema, quantitySchema } from "../domain/money.ts";
import type { AppEnv } from "../env.ts";
import { pdfBody } from "./invoices.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, read, respond, synced } from "./respond.ts";
import { entityParam, errorResponses, idParam, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const lineInput = z
  .strictObject({
    invoiceLineId: z.string().min(1).max(64),
    quantity: quantitySchema.optional().openapi({ description: "Credit this much of the line's quantity (× its rate)" }),
    amount: moneyAmountSchema.optional().openapi({ description: "Or credit this amount of the line (before tax)" }),
  })
  .superRefine((l, ctx) => {
    if ((l.quantity === undefined) === (l.amount === undefined)) ctx.addIssue({ code: "custom", path: ["quantity"], message: "give exactly one of quantity and amount" });
  });

const createBody = z
  .strictObject({
    invoiceId: z.string().min(1).max(64),
    reason: z.string().trim().max(500).nullish(),
    lines: z.array(lineInput).min(1).max(MAX_INVOICE_LINES),
  })
  .openapi("CreateCreditNote");

export const creditNoteSchema = z
  .object({
    id: z.string(),
    object: z.literal("credit_note"),
    creditNoteNumber: z.string().nullable().openapi({ description: "Prefix-CN- + its own gapless sequence; null until final" }),
    status: z.enum(CREDIT_NOTE_STATUSES),
    invoiceId: z.string(),
    invoiceNumber: z.string().nullable(),
    customerId: z.string(),
    currency: z.string(),
    reason: z.string().nullable(),
    issueDate: z.string().nullable(),
    lines: z.array(
      z.object({
        id: z.string(),
        invoiceLineId: z.string(),
        title: z.string(),
        quantity: z.string().nullable().openapi({ description: "null when credited by amount" }),
        amount: z.string(),
        tax: z.string(),
      }),
    ),
    subtotal: z.string(),
    tax: z.string(),
    total: z.string(),
    pdfSha256: z.string().nullable(),
    finalizedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    rev: z.number().int(),
  })
  .openapi("CreditNote");

const tags = ["Credit notes"];
const write = requirePermission("invoices:write");
const routes = {
  create: createRoute({
    method: "post",
    path: "/entities/{entity}/credit-notes",
    tags,
    summary: "Create a DRAFT credit note against a FINAL or SENT invoice; never more than is left to credit per line (422 credit_exceeds_invoice)",
    middleware: write,
    request: { params: entityParam, ...jsonBody(createBody) },
    responses: { 201: jsonResponse(creditNoteSchema, "The credit note"), ...errorResponses },
  }),
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/credit-notes",
    tags,
    summary: "List credit notes, newest first",
    request: { params: entityParam, query: paginationQuery.extend({ invoiceId: z.string().max(64).optional(), status: z.enum(CREDIT_NOTE_STATUSES).optional() }) },
    responses: { 200: jsonResponse(listOf(creditNoteSchema, "CreditNoteList"), "A page of credit notes"), ...errorResponses },
  }),
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/credit-notes/{id}",
    tags,
    summary: "Get a credit note",
    request: { params: idParam },
    responses: { 200: jsonResponse(creditNoteSchema, "The credit note"), ...errorResponses },
  }),
  finalize: createRoute({
    method: "post",
    path: "/entities/{entity}/credit-notes/{id}/finalize",
    tags,
    summary: "Finalize: the gapless creditNoteNumber, the PDF rendered once and stored",
    middleware: write,
    request: { params: idParam },
    responses: { 200: jsonResponse(creditNoteSchema, "The credit note"), ...errorResponses },
  }),
  pdf: createRoute({
    method: "get",
    path: "/entities/{entity}/credit-notes/{id}/pdf",
    tags,
    summary: "The credit note as a PDF",
    request: { params: idParam },
    responses: { 200: { description: "application/pdf", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } }, ...errorResponses },
  }),
};

export const creditNotes = new OpenAPIHono<AppEnv>()
  .openapi(routes.create, (c) => {
    const body = c.req.valid("json");
    // The schema lets exactly one of quantity and amount through.
    const lines = body.lines.map((l) => (l.quantity !== undefined ? { invoiceLineId: l.invoiceLineId, quantity: l.quantity } : { invoiceLineId: l.invoiceLineId, amount: l.amount! }));
    return respond(c, 201, (ctx) => creditNoteActions.create(ctx, { ...body, lines }));
  })
  .openapi(routes.list, async (c) => {
    const page = await creditNoteActions.list(actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.get, (c) => read(c, (ctx) => creditNoteActions.get(ctx, c.req.valid("param").id)))
  .openapi(routes.finalize, (c) => respond(c, 200, (ctx) => synced(c.env, ctx, creditNoteActions.finalize(ctx, c.req.valid("param").id, { store: c.env.DOCUMENTS, queue: c.env.DOCUMENTS_QUEUE }))))
  .openapi(routes.pdf, async (c) => {
    const { note, bytes } = await creditNoteActions.pdf(actionContext(c), c.req.valid("param").id, c.env.DOCUMENTS);
    return pdfBody(c, bytes, note.creditNoteNumber ?? `draft-${note.id}`);
  });
