// Tax rates (API.md "tax": POST/GET /tax-rates): finance and admin create them; everyone reads.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as taxRateActions from "../actions/tax-rates.ts";
import { percentageSchema } from "../domain/money.ts";
import type { AppEnv } from "../env.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, respond } from "./respond.ts";
import { countryCode, entityParam, errorResponses, jsonBody, jsonResponse, listOf, paginationQuery } from "./schemas.ts";

const createBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    percentage: percentageSchema.openapi({ description: '0–100 ("20" is 20 %)', example: "20" }),
    country: countryCode.nullish(),
    category: z.string().trim().min(1).max(64).nullish().openapi({ description: "e.g. standard, reduced, zero; matches a product's taxCategory" }),
  })
  .openapi("CreateTaxRate");

export const taxRateSchema = z
  .object({ id: z.string(), name: z.string(), percentage: z.string(), country: z.string().nullable(), category: z.string().nullable(), createdAt: z.string() })
  .openapi("TaxRate");

const tags = ["Tax"];
const routes = {
  create: createRoute({
    method: "post",
    path: "/entities/{entity}/tax-rates",
    tags,
    summary: "Create a tax rate (finance, admin); rates never change, so invoices keep the rate they used",
    middleware: requirePermission("tax:write"),
    request: { params: entityParam, ...jsonBody(createBody) },
    responses: { 201: jsonResponse(taxRateSchema, "The tax rate"), ...errorResponses },
  }),
  list: createRoute({
    method: "get",
    path: "/entities/{entity}/tax-rates",
    tags,
    summary: "List tax rates, newest first",
    request: { params: entityParam, query: paginationQuery },
    responses: { 200: jsonResponse(listOf(taxRateSchema, "TaxRateList"), "A page of tax rates"), ...errorResponses },
  }),
};

export const taxRates = new OpenAPIHono<AppEnv>()
  .openapi(routes.create, (c) => {
    const body = c.req.valid("json");
    return respond(c, 201, (ctx) => taxRateActions.create(ctx, body));
  })
  .openapi(routes.list, async (c) => {
    const page = await taxRateActions.list(actionContext(c), c.req.valid("query"));
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  });
