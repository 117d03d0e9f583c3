// Schemas shared by every route: path params, pagination, the error body, common value types.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isCurrency } from "../domain/money.ts";
import { isCountry } from "../domain/geo.ts";
import { ApiError } from "./errors.ts";

export const entityParam = z.object({
  entity: z.string().min(1).max(64).openapi({ param: { name: "entity", in: "path" }, description: "Entity id or slug", example: "acme-us" }),
});

export const idParam = entityParam.extend({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
});

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ description: "1–100, default 25" }),
  after: z.string().max(128).optional().openapi({ description: "Cursor from the previous page's pagination.after" }),
});

export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ items: z.array(item), pagination: z.object({ after: z.string().nullable() }) })
    .openapi(name);
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

const errorContent = { "application/json": { schema: errorSchema } };
/** The error responses every entity route can give. */
export const errorResponses = {
  400: { description: "Malformed or invalid input", content: errorContent },
  401: { description: "Not signed in / bad API key", content: errorContent },
  403: { description: "Role does not allow this, or cross-site request", content: errorContent },
  404: { description: "Not found in this entity", content: errorContent },
  409: { description: "State or revision conflict", content: errorContent },
  422: { description: "Refused by a business rule", content: errorContent },
  429: { description: "Rate limited", content: errorContent },
  503: { description: "Entity unavailable", content: errorContent },
} as const;

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

export const currencyCode = z
  .string()
  .refine((v) => isCurrency(v), { message: "Unknown ISO 4217 currency code (use upper case, e.g. USD)" })
  .openapi({ example: "USD" });

export const countryCode = z
  .string()
  .refine((v) => isCountry(v), { message: "Unknown ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)" })
  .openapi({ example: "US" });

/** The optional If-Match header of a change's route (its value is read by `ifMatchOf`). */
export const ifMatchHeaders = z.object({ "if-match": z.string().optional() });

/** The revision an If-Match header names (undefined without one); the action refuses a newer one. */
export function ifMatchOf(c: Context): number | undefined {
  const expected = parseIfMatch(c.req.header("if-match"));
  if (expected === null) throw new ApiError("invalid_request", 'If-Match must be a revision, e.g. "3"', { details: [{ path: "headers.if-match", message: 'a revision, e.g. "3"' }] });
  return expected;
}

/** If-Match: "<rev>" (quotes and weak forms accepted). */
export function parseIfMatch(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return match ? Number(match[1]) : null;
}
