// Customers: one route per operation, each with its zod schemas (API.md "customers").
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as customerActions from "../actions/customers.ts";
import { TAX_STATUSES, type Customer } from "../db/customers.ts";
import type { AppEnv } from "../env.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, read, respond } from "./respond.ts";
import { countryCode, currencyCode, entityParam, errorResponses, idParam, ifMatchHeaders, ifMatchOf, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

export const addressSchema = z
  .strictObject({
    line1: text(200),
    line2: z.string().trim().max(200).nullish(),
    city: text(100),
    region: z.string().trim().max(100).nullish(),
    postalCode: text(20),
    country: countryCode,
  })
  .openapi("Address");

export const contactSchema = z
  .strictObject({ name: text(200), email: z.email().max(254), role: z.string().trim().max(100).nullish() })
  .openapi("Contact");

const customerFields = {
  legalName: text(200),
  email: z.email().max(254),
  country: countryCode,
  currency: currencyCode,
  taxStatus: z.enum(TAX_STATUSES),
  taxId: z.string().trim().max(64).nullish(),
  address: addressSchema.nullish(),
  contacts: z.array(contactSchema).max(20),
};

const reverseChargeNeedsTaxId = (value: { taxStatus?: string; taxId?: string | null }, ctx: z.RefinementCtx) => {
  if (value.taxStatus === "REVERSE_CHARGED" && !value.taxId) {
    ctx.addIssue({ code: "custom", path: ["taxId"], message: "A reverse-charged customer needs its tax id" });
  }
};

export const createCustomerBody = z
  .strictObject({
    ...customerFields,
    currency: customerFields.currency.optional(),
    taxStatus: customerFields.taxStatus.default("TAXED"),
    contacts: customerFields.contacts.optional(),
  })
  .superRefine(reverseChargeNeedsTaxId)
  .openapi("CreateCustomer");

export const updateCustomerBody = z
  .strictObject({
    legalName: customerFields.legalName.optional(),
    email: customerFields.email.optional(),
    country: customerFields.country.optional(),
    currency: customerFields.currency.optional(),
    taxStatus: customerFields.taxStatus.optional(),
    taxId: customerFields.taxId,
    address: customerFields.address,
    contacts: customerFields.contacts.optional(),
  })
  .openapi("UpdateCustomer");

export const customerSchema = z
  .object({
    id: z.string(),
    legalName: z.string(),
    email: z.string(),
    country: z.string(),
    currency: z.string(),
    taxStatus: z.enum(TAX_STATUSES),
    taxId: z.string().nullable(),
    address: addressSchema.nullable(),
    contacts: z.array(contactSchema),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    rev: z.number().int(),
  })
  .openapi("Customer");
export type CustomerResponse = Customer;

const tags = ["Customers"];

const createCustomerRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/customers",
  tags,
  summary: "Create a customer",
  middleware: [requirePermission("customers:write")] as const,
  request: { params: entityParam, ...jsonBody(createCustomerBody) },
  responses: { 201: jsonResponse(customerSchema, "The customer"), ...errorResponses },
});

const listCustomersRoute = createRoute({
  method: "get",
  path: "/entities/{entity}/customers",
  tags,
  summary: "List customers, newest first",
  request: {
    params: entityParam,
    query: paginationQuery.extend({
      q: z.string().max(200).optional().openapi({ description: "Search in legal name and email" }),
      includeArchived: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: { 200: jsonResponse(listOf(customerSchema, "CustomerList"), "A page of customers"), ...errorResponses },
});

const getCustomerRoute = createRoute({
  method: "get",
  path: "/entities/{entity}/customers/{id}",
  tags,
  summary: "Get a customer",
  request: { params: idParam },
  responses: { 200: jsonResponse(customerSchema, "The customer"), ...errorResponses },
});

const updateCustomerRoute = createRoute({
  method: "patch",
  path: "/entities/{entity}/customers/{id}",
  tags,
  summary: "Update a customer (If-Match: \"<rev>\" guards against lost updates)",
  middleware: [requirePermission("customers:write")] as const,
  request: {
    params: idParam,
    headers: ifMatchHeaders,
    ...jsonBody(updateCustomerBody),
  },
  responses: { 200: jsonResponse(customerSchema, "The updated customer"), ...errorResponses },
});

const archiveCustomerRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/customers/{id}/archive",
  tags,
  summary: "Archive a customer",
  middleware: [requirePermission("customers:write")] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(customerSchema, "The archived customer"), ...errorResponses },
});

const unarchiveCustomerRoute = createRoute({
  method: "post",
  path: "/entities/{entity}/customers/{id}/unarchive",
  tags,
  summary: "Unarchive a customer (undo an archive)",
  middleware: [requirePermission("customers:write")] as const,
  request: { params: idParam },
  responses: { 200: jsonResponse(customerSchema, "The customer, live again"), ...errorResponses },
});

export const customers = new OpenAPIHono<AppEnv>()
  .openapi(createCustomerRoute, (c) => respond(c, 201, (ctx) => customerActions.create(ctx, c.req.valid("json"))))
  .openapi(listCustomersRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await customerActions.list(actionContext(c), { ...query, includeArchived: query.includeArchived === "true" });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(getCustomerRoute, (c) => read(c, (ctx) => customerActions.get(ctx, c.req.valid("param").id)))
  .openapi(updateCustomerRoute, (c) =>
    respond(c, 200, (ctx) => customerActions.update(ctx, c.req.valid("param").id, c.req.valid("json"), ifMatchOf(c))),
  )
  .openapi(archiveCustomerRoute, (c) => respond(c, 200, (ctx) => customerActions.archive(ctx, c.req.valid("param").id)))
  .openapi(unarchiveCustomerRoute, (c) => respond(c, 200, (ctx) => customerActions.unarchive(ctx, c.req.valid("param").id)));
