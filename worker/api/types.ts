// The API's response shapes, inferred from the zod schemas the routes validate and document with.
// The web app imports these (types only, through $worker/api/types.ts): one source for both sides.
import type { z } from "@hono/zod-openapi";
import type { productSchema, priceSchema } from "./catalog.ts";
import type { addressSchema, contactSchema, customerSchema, createCustomerBody, updateCustomerBody } from "./customers.ts";
import type { quoteSchema } from "./quotes.ts";
import type { errorSchema } from "./schemas.ts";

export type Product = z.infer<typeof productSchema>;
export type Price = z.infer<typeof priceSchema>;
export type Address = z.infer<typeof addressSchema>;
export type Contact = z.infer<typeof contactSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type CustomerCreate = z.input<typeof createCustomerBody>;
export type CustomerUpdate = z.input<typeof updateCustomerBody>;
export type Quote = z.infer<typeof quoteSchema>;
export type QuoteLineView = Quote["lines"][number];
export type ApiErrorBody = z.infer<typeof errorSchema>;
export interface Page<T> {
  items: T[];
  pagination: { after: string | null };
}
