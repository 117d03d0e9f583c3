// Customers: one route per operation, each with its zod schemas (API.md "customers").
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  archiveCustomer,
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
  TAX_STATUSES,
  type Customer,
} from "../db/customers.ts";
import type { AppEnv } from "../env.ts";
import { commitAndRespond } from "../live.ts";
import { ApiError, notFound } from "./errors.ts";
import { changeSet, requirePermission, scopeOf } from "./middleware.ts";
import {
  countryCode,
  currencyCode,
  entityParam,
  errorResponses,
  idParam,
  jsonBody,
  jsonResponse,
  listOf,
  paginationQuery,
  assertIfMatch,
} from "./schemas.ts";

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
    headers: z.object({ "if-match": z.string().optional() }),
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

async function customerOr404(db: D1Database, id: string): Promise<Customer> {
  const customer = await getCustomer(db, id);
  if (!customer) throw notFound("Customer");
  return customer;
}

export const customers = new OpenAPIHono<AppEnv>()
  .openapi(createCustomerRoute, async (c) => {
    const body = c.req.valid("json");
    const changes = changeSet(c);
    const customer = createCustomer(changes, { ...body, currency: body.currency ?? scopeOf(c).entity.currency });
    return commitAndRespond(c, changes, 201, customer) as never;
  })
  .openapi(listCustomersRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await listCustomers(scopeOf(c).db, {
      limit: query.limit,
      after: query.after,
      q: query.q,
      includeArchived: query.includeArchived === "true",
    });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(getCustomerRoute, async (c) => {
    return c.json(await customerOr404(scopeOf(c).db, c.req.valid("param").id), 200);
  })
  .openapi(updateCustomerRoute, async (c) => {
    const before = await customerOr404(scopeOf(c).db, c.req.valid("param").id);
    assertIfMatch(c.req.header("if-match"), before, "Customer");
    if (before.archivedAt) throw new ApiError("invalid_state", "An archived customer cannot be changed");
    const patch = c.req.valid("json");
    const merged = { ...before, ...patch };
    if (merged.taxStatus === "REVERSE_CHARGED" && !merged.taxId) {
      throw new ApiError("invalid_request", "A reverse-charged customer needs its tax id", {
        details: [{ path: "taxId", message: "required when taxStatus is REVERSE_CHARGED" }],
      });
    }
    const changes = changeSet(c);
    const after = updateCustomer(changes, before, patch);
    return commitAndRespond(c, changes, 200, after) as never;
  })
  .openapi(archiveCustomerRoute, async (c) => {
    const before = await customerOr404(scopeOf(c).db, c.req.valid("param").id);
    if (before.archivedAt) throw new ApiError("invalid_state", "Customer is already archived");
    const changes = changeSet(c);
    return commitAndRespond(c, changes, 200, archiveCustomer(changes, before)) as never;
  });
