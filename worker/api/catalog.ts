// The product catalog (API.md "products", "prices", "pricing preview"): finance and admin write,
// everyone with access reads. Prices are immutable; archive and create a new one to change a price.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as catalogActions from "../actions/catalog.ts";
import { BILLING_FREQUENCIES, BILLING_TYPES } from "../domain/billing.ts";
import { quantitySchema } from "../domain/money.ts";
import { priceStructureSchema, PRICING_TYPES } from "../domain/pricing.ts";
import type { AppEnv } from "../env.ts";
import { requirePermission } from "./middleware.ts";
import { actionContext, read, respond } from "./respond.ts";
import {
  currencyCode,
  entityParam,
  errorResponses,
  idParam,
  jsonBody,
  jsonResponse,
  listOf,
  ifMatchOf,
  paginationQuery,
} from "./schemas.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

export const productSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    taxCategory: z.string().nullable(),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    rev: z.number().int(),
  })
  .openapi("Product");

const productBody = z
  .strictObject({
    name: text(200),
    description: z.string().trim().max(2000).nullish(),
    taxCategory: z.string().trim().max(64).nullish(),
  })
  .openapi("CreateProduct");

export const priceSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    name: z.string(),
    currency: z.string(),
    billingFrequency: z.enum(BILLING_FREQUENCIES),
    billingType: z.enum(BILLING_TYPES),
    pricingType: z.enum(PRICING_TYPES),
    structure: z.record(z.string(), z.unknown()).openapi({ description: "The price structure (see CreatePrice)" }),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Price");

const priceBody = z
  .strictObject({
    productId: z.string().min(1).max(64),
    name: text(200),
    currency: currencyCode,
    billingFrequency: z.enum(BILLING_FREQUENCIES),
    billingType: z.enum(BILLING_TYPES),
    structure: priceStructureSchema,
  })
  .superRefine((value, ctx) => {
    // A one-time price is billed once; a recurring model cannot be.
    const oneTime = value.structure.pricingType === "ONE_TIME";
    if (oneTime !== (value.billingFrequency === "ONE_TIME")) {
      ctx.addIssue({
        code: "custom",
        path: ["billingFrequency"],
        message: oneTime ? "A ONE_TIME price must have billingFrequency ONE_TIME" : "billingFrequency ONE_TIME needs pricingType ONE_TIME",
      });
    }
  })
  .openapi("CreatePrice");

const previewBody = z
  .strictObject({ currency: currencyCode, structure: priceStructureSchema, quantity: quantitySchema })
  .openapi("PricingPreview");

const products = "Catalog";

const routes = {
  createProduct: createRoute({
    method: "post",
    path: "/entities/{entity}/products",
    tags: [products],
    summary: "Create a product",
    middleware: [requirePermission("catalog:write")] as const,
    request: { params: entityParam, ...jsonBody(productBody) },
    responses: { 201: jsonResponse(productSchema, "The product"), ...errorResponses },
  }),
  listProducts: createRoute({
    method: "get",
    path: "/entities/{entity}/products",
    tags: [products],
    summary: "List products, newest first",
    request: {
      params: entityParam,
      query: paginationQuery.extend({ q: z.string().max(200).optional(), includeArchived: z.enum(["true", "false"]).optional() }),
    },
    responses: { 200: jsonResponse(listOf(productSchema, "ProductList"), "A page of products"), ...errorResponses },
  }),
  getProduct: createRoute({
    method: "get",
    path: "/entities/{entity}/products/{id}",
    tags: [products],
    summary: "Get a product",
    request: { params: idParam },
    responses: { 200: jsonResponse(productSchema, "The product"), ...errorResponses },
  }),
  updateProduct: createRoute({
    method: "patch",
    path: "/entities/{entity}/products/{id}",
    tags: [products],
    summary: "Update a product",
    middleware: [requirePermission("catalog:write")] as const,
    request: { params: idParam, ...jsonBody(productBody.partial().openapi("UpdateProduct")) },
    responses: { 200: jsonResponse(productSchema, "The product"), ...errorResponses },
  }),
  archiveProduct: createRoute({
    method: "post",
    path: "/entities/{entity}/products/{id}/archive",
    tags: [products],
    summary: "Archive a product and every live price of it",
    middleware: [requirePermission("catalog:write")] as const,
    request: { params: idParam },
    responses: { 200: jsonResponse(productSchema, "The product"), ...errorResponses },
  }),
  unarchiveProduct: createRoute({
    method: "post",
    path: "/entities/{entity}/products/{id}/unarchive",
    tags: [products],
    summary: "Unarchive a product (undo an archive): the prices archived with it are live again",
    middleware: [requirePermission("catalog:write")] as const,
    request: { params: idParam },
    responses: { 200: jsonResponse(productSchema, "The product"), ...errorResponses },
  }),
  createPrice: createRoute({
    method: "post",
    path: "/entities/{entity}/prices",
    tags: [products],
    summary: "Create a price (prices are immutable: archive and create a new one to change it)",
    middleware: [requirePermission("catalog:write")] as const,
    request: { params: entityParam, ...jsonBody(priceBody) },
    responses: { 201: jsonResponse(priceSchema, "The price"), ...errorResponses },
  }),
  listPrices: createRoute({
    method: "get",
    path: "/entities/{entity}/prices",
    tags: [products],
    summary: "List prices, newest first",
    request: {
      params: entityParam,
      query: paginationQuery.extend({
        productId: z.string().max(64).optional(),
        currency: z.string().max(3).optional(),
        includeArchived: z.enum(["true", "false"]).optional(),
      }),
    },
    responses: { 200: jsonResponse(listOf(priceSchema, "PriceList"), "A page of prices"), ...errorResponses },
  }),
  getPrice: createRoute({
    method: "get",
    path: "/entities/{entity}/prices/{id}",
    tags: [products],
    summary: "Get a price",
    request: { params: idParam },
    responses: { 200: jsonResponse(priceSchema, "The price"), ...errorResponses },
  }),
  archivePrice: createRoute({
    method: "post",
    path: "/entities/{entity}/prices/{id}/archive",
    tags: [products],
    summary: "Archive a price: existing quotes and schedules keep it, new ones cannot use it",
    middleware: [requirePermission("catalog:write")] as const,
    request: { params: idParam },
    responses: { 200: jsonResponse(priceSchema, "The price"), ...errorResponses },
  }),
  preview: createRoute({
    method: "post",
    path: "/entities/{entity}/pricing/preview",
    tags: [products],
    summary: "The pure price of one quantity for one billing period",
    request: { params: entityParam, ...jsonBody(previewBody) },
    responses: {
      200: jsonResponse(z.object({ amount: z.string(), currency: z.string() }).openapi("PricingPreviewResult"), "The amount"),
      ...errorResponses,
    },
  }),
};

export const catalog = new OpenAPIHono<AppEnv>()
  .openapi(routes.createProduct, (c) => respond(c, 201, (ctx) => catalogActions.createProduct(ctx, c.req.valid("json"))))
  .openapi(routes.listProducts, async (c) => {
    const q = c.req.valid("query");
    const page = await catalogActions.listProducts(actionContext(c), { ...q, includeArchived: q.includeArchived === "true" });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.getProduct, (c) => read(c, (ctx) => catalogActions.getProduct(ctx, c.req.valid("param").id)))
  .openapi(routes.updateProduct, (c) =>
    respond(c, 200, (ctx) => catalogActions.updateProduct(ctx, c.req.valid("param").id, c.req.valid("json"), ifMatchOf(c))),
  )
  .openapi(routes.archiveProduct, (c) => respond(c, 200, (ctx) => catalogActions.archiveProduct(ctx, c.req.valid("param").id)))
  .openapi(routes.unarchiveProduct, (c) => respond(c, 200, (ctx) => catalogActions.unarchiveProduct(ctx, c.req.valid("param").id)))
  .openapi(routes.createPrice, (c) => respond(c, 201, (ctx) => catalogActions.createPrice(ctx, c.req.valid("json"))))
  .openapi(routes.listPrices, async (c) => {
    const q = c.req.valid("query");
    const page = await catalogActions.listPrices(actionContext(c), { ...q, includeArchived: q.includeArchived === "true" });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.getPrice, (c) => read(c, (ctx) => catalogActions.getPrice(ctx, c.req.valid("param").id)))
  .openapi(routes.archivePrice, (c) => respond(c, 200, (ctx) => catalogActions.archivePrice(ctx, c.req.valid("param").id)))
  .openapi(routes.preview, (c) => c.json(catalogActions.preview(c.req.valid("json")), 200));
