// The product catalog (API.md "products", "prices", "pricing preview"): finance and admin write,
// everyone with access reads. Prices are immutable; archive and create a new one to change a price.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  archivePrice,
  archiveProduct,
  BILLING_FREQUENCIES,
  BILLING_TYPES,
  createPrice,
  createProduct,
  getPrice,
  getProduct,
  listPrices,
  listProducts,
  updateProduct,
  type Price,
  type Product,
} from "../db/catalog.ts";
import { quantitySchema } from "../domain/money.ts";
import { priceAmount, PricingError, priceStructureSchema, PRICING_TYPES } from "../domain/pricing.ts";
import type { AppEnv } from "../env.ts";
import { commitAndRespond } from "../live.ts";
import { ApiError, notFound } from "./errors.ts";
import { changeSet, requirePermission, scopeOf } from "./middleware.ts";
import {
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

async function productOr404(db: D1Database, id: string): Promise<Product> {
  const product = await getProduct(db, id);
  if (!product) throw notFound("Product");
  return product;
}

async function priceOr404(db: D1Database, id: string): Promise<Price> {
  const price = await getPrice(db, id);
  if (!price) throw notFound("Price");
  return price;
}

/** The engine's refusals in the contract's words: a bad quantity is input (400), an absurd amount a rule (422). */
export function pricingFailure(error: unknown, path = "quantity"): never {
  if (error instanceof PricingError) {
    const details = error.details.length ? error.details.map((d) => ({ path: d.path ? `${path}${d.path.startsWith(".") ? "" : "."}${d.path}` : path, message: d.message })) : [{ path, message: error.message }];
    if (error.code === "amount_out_of_range") throw new ApiError("amount_out_of_range", error.message, { status: 422, details });
    throw new ApiError("invalid_request", error.message, { details: error.code === "invalid_quantity" ? [{ path, message: error.message }] : details });
  }
  throw error;
}

export const catalog = new OpenAPIHono<AppEnv>()
  .openapi(routes.createProduct, async (c) => {
    const changes = changeSet(c);
    return commitAndRespond(c, changes, 201, createProduct(changes, c.req.valid("json"))) as never;
  })
  .openapi(routes.listProducts, async (c) => {
    const q = c.req.valid("query");
    const page = await listProducts(scopeOf(c).db, { limit: q.limit, after: q.after, q: q.q, includeArchived: q.includeArchived === "true" });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.getProduct, async (c) => c.json(await productOr404(scopeOf(c).db, c.req.valid("param").id), 200))
  .openapi(routes.updateProduct, async (c) => {
    const before = await productOr404(scopeOf(c).db, c.req.valid("param").id);
    assertIfMatch(c.req.header("if-match"), before, "Product");
    if (before.archivedAt) throw new ApiError("invalid_state", "An archived product cannot be changed");
    const changes = changeSet(c);
    return commitAndRespond(c, changes, 200, updateProduct(changes, before, c.req.valid("json"))) as never;
  })
  .openapi(routes.archiveProduct, async (c) => {
    const { db } = scopeOf(c);
    const before = await productOr404(db, c.req.valid("param").id);
    if (before.archivedAt) throw new ApiError("invalid_state", "Product is already archived");
    const changes = changeSet(c);
    const product = archiveProduct(changes, before);
    // Its live prices go with it, in the same batch.
    const live = await listPrices(db, { limit: 100, productId: before.id });
    for (const price of live.items) archivePrice(changes, price);
    return commitAndRespond(c, changes, 200, product) as never;
  })
  .openapi(routes.createPrice, async (c) => {
    const body = c.req.valid("json");
    const product = await getProduct(scopeOf(c).db, body.productId);
    if (!product) throw new ApiError("not_found", "Product not found", { details: [{ path: "productId", message: "No such product in this entity" }] });
    if (product.archivedAt) throw new ApiError("invalid_state", "Product is archived; prices cannot be added to it");
    const changes = changeSet(c);
    return commitAndRespond(c, changes, 201, createPrice(changes, body)) as never;
  })
  .openapi(routes.listPrices, async (c) => {
    const q = c.req.valid("query");
    const page = await listPrices(scopeOf(c).db, {
      limit: q.limit,
      after: q.after,
      productId: q.productId,
      currency: q.currency,
      includeArchived: q.includeArchived === "true",
    });
    return c.json({ items: page.items, pagination: { after: page.after } }, 200);
  })
  .openapi(routes.getPrice, async (c) => c.json(await priceOr404(scopeOf(c).db, c.req.valid("param").id), 200))
  .openapi(routes.archivePrice, async (c) => {
    const before = await priceOr404(scopeOf(c).db, c.req.valid("param").id);
    if (before.archivedAt) throw new ApiError("invalid_state", "Price is already archived");
    const changes = changeSet(c);
    return commitAndRespond(c, changes, 200, archivePrice(changes, before)) as never;
  })
  .openapi(routes.preview, async (c) => {
    const { currency, structure, quantity } = c.req.valid("json");
    try {
      return c.json({ amount: priceAmount(structure, quantity, currency), currency }, 200);
    } catch (error) {
      pricingFailure(error);
    }
  });
