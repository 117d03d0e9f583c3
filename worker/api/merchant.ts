// The entity's seller details (API.md "tax": GET/PUT /merchant): what invoices, quotes and their PDFs show.
import { DEFAULT_PAYMENT_TERMS_DAYS } from "../db/merchant.ts";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as merchantActions from "../actions/merchant.ts";
import { MAX_PAYMENT_TERM_DAYS } from "../domain/invoice.ts";
import type { AppEnv } from "../env.ts";
import { addressSchema } from "./customers.ts";
import { requirePermission } from "./middleware.ts";
import { read, respond } from "./respond.ts";
import { countryCode, entityParam, errorResponses, ifMatchHeaders, ifMatchOf, jsonBody, jsonResponse } from "./schemas.ts";

const MAX_LOGO_BYTES = 256 * 1024;
const optionalText = (max: number) => z.string().trim().max(max).nullish();

const logoSchema = z
  .string()
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/, "logo must be a PNG data URL (data:image/png;base64,…)")
  .refine((v) => (v.length - v.indexOf(",") - 1) * 0.75 <= MAX_LOGO_BYTES, `logo must be at most ${MAX_LOGO_BYTES / 1024} KB`)
  .refine((v) => v.slice(v.indexOf(",") + 1).startsWith("iVBORw0KGgo"), "logo is not a PNG image");

export const merchantInput = z
  .strictObject({
    legalName: z.string().trim().min(1).max(200),
    displayName: z.string().trim().min(1).max(200),
    email: z.email().max(254).nullish(),
    phone: optionalText(40),
    website: z.url({ protocol: /^https?$/ }).max(300).nullish(),
    address: addressSchema.nullish(),
    taxRegistrations: z
      .array(z.strictObject({ country: countryCode, taxId: z.string().trim().min(2).max(40), type: optionalText(20) }))
      .max(20)
      .default([]),
    bankDetails: z
      .strictObject({
        bankName: optionalText(100),
        accountName: optionalText(100),
        iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, "IBAN: letters and digits, no spaces").nullish(),
        bic: z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, "BIC: 8 or 11 letters and digits").nullish(),
        accountNumber: optionalText(34),
        sortCode: optionalText(12),
        routingNumber: optionalText(12),
      })
      .nullish(),
    logo: logoSchema.nullish(),
    brandColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/, "brandColor must be #RRGGBB").nullish(),
    invoicePrefix: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, "invoicePrefix: upper-case letters, digits and dashes, at most 16"),
    defaultDueDateDays: z.number().int().min(0).max(MAX_PAYMENT_TERM_DAYS).optional().openapi({ description: "Payment terms in days for invoices that set none (default 30)", example: 30 }),
  })
  .openapi("MerchantInput");

const merchantSchema = merchantInput
  .extend({ defaultDueDateDays: z.number().int(), rev: z.number().int(), updatedAt: z.string().nullable() })
  .openapi("Merchant");

const routes = {
  get: createRoute({
    method: "get",
    path: "/entities/{entity}/merchant",
    tags: ["Tax"],
    summary: "The entity's seller details: legal details, address, tax registrations, bank details, branding, invoice prefix",
    request: { params: entityParam },
    responses: { 200: jsonResponse(merchantSchema, "Merchant details"), ...errorResponses },
  }),
  put: createRoute({
    method: "put",
    path: "/entities/{entity}/merchant",
    tags: ["Tax"],
    summary: 'Replace the seller details (admin, finance); If-Match: "<rev>" guards against lost updates',
    middleware: requirePermission("tax:write"),
    request: { params: entityParam, headers: ifMatchHeaders, ...jsonBody(merchantInput) },
    responses: { 200: jsonResponse(merchantSchema, "Merchant details"), ...errorResponses },
  }),
};

export const merchant = new OpenAPIHono<AppEnv>()
  .openapi(routes.get, (c) => read(c, (ctx) => merchantActions.get(ctx)))
  .openapi(routes.put, (c) => {
    const body = c.req.valid("json");
    const input = {
      legalName: body.legalName,
      displayName: body.displayName,
      email: body.email ?? null,
      phone: body.phone ?? null,
      website: body.website ?? null,
      address: body.address ?? null,
      taxRegistrations: body.taxRegistrations.map((r) => ({ country: r.country, taxId: r.taxId, type: r.type ?? null })),
      bankDetails: body.bankDetails ?? null,
      logo: body.logo ?? null,
      brandColor: body.brandColor ?? null,
      invoicePrefix: body.invoicePrefix,
      defaultDueDateDays: body.defaultDueDateDays ?? DEFAULT_PAYMENT_TERMS_DAYS,
    };
    return respond(c, 200, (ctx) => merchantActions.replace(ctx, input, ifMatchOf(c)));
  });
