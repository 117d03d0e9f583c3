// The product catalog's client side: API shapes and calls (API.md "products", "prices", "pricing
// preview"), who may write, and how a price reads in one line. Shared by the products routes.
//
// Money and quantities stay decimal STRINGS end to end: they are only ever formatted for display
// (Intl.NumberFormat formats a decimal string exactly), never turned into JavaScript numbers.
import { entityPath, entityResource, request } from "#lib/api.ts";
import type { Entity, Role } from "#lib/types.ts";

// ---- shapes (worker/api/catalog.ts, worker/domain/pricing.ts) ----

export interface Product {
  id: string;
  name: string;
  description: string | null;
  taxCategory: string | null;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  rev: number;
}

export interface ProductInput {
  name?: string;
  description?: string | null;
  taxCategory?: string | null;
}

export const PRICING_TYPES = ["FIXED", "ONE_TIME", "LINEAR", "VOLUME", "GRADUATED", "PACKAGE", "SEAT_BASED"] as const;
export type PricingType = (typeof PRICING_TYPES)[number];

export const BILLING_FREQUENCIES = ["ONE_TIME", "MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY"] as const;
export type BillingFrequency = (typeof BILLING_FREQUENCIES)[number];

export const BILLING_TYPES = ["IN_ADVANCE", "IN_ARREARS"] as const;
export type BillingType = (typeof BILLING_TYPES)[number];

export interface Tier {
  upperBound?: string;
  price: string;
  fee?: string;
  isPricePercentage?: boolean;
}

export type PriceStructure =
  | { pricingType: "FIXED"; price: string }
  | { pricingType: "ONE_TIME"; price: string }
  | { pricingType: "LINEAR"; price: string; isPricePercentage?: boolean; minPrice?: string; maxPrice?: string }
  | { pricingType: "VOLUME"; tiers: Tier[] }
  | { pricingType: "GRADUATED"; tiers: Tier[] }
  | { pricingType: "PACKAGE"; packageSize: string; pricePerPackage: string }
  | {
      pricingType: "SEAT_BASED";
      pricePerSeat?: string;
      tiers?: Omit<Tier, "isPricePercentage">[];
      contractedMinimumSeats?: number;
    };

export interface Price {
  id: string;
  productId: string;
  name: string;
  currency: string;
  billingFrequency: BillingFrequency;
  billingType: BillingType;
  pricingType: PricingType;
  structure: PriceStructure;
  archivedAt: string | null;
  createdAt: string;
}

export interface PriceInput {
  productId: string;
  name: string;
  currency: string;
  billingFrequency: BillingFrequency;
  billingType: BillingType;
  /** Built by the editor; may be incomplete (the server says what is wrong). */
  structure: unknown;
}

// ---- labels ----

export const PRICING_MODELS: { value: PricingType; label: string; hint: string }[] = [
  { value: "FIXED", label: "Flat fee", hint: "One price each period" },
  { value: "ONE_TIME", label: "One-time", hint: "Charged once" },
  { value: "LINEAR", label: "Per unit", hint: "Price × quantity, or a %" },
  { value: "VOLUME", label: "Volume", hint: "All units at the tier reached" },
  { value: "GRADUATED", label: "Graduated", hint: "Each tier priced in turn" },
  { value: "PACKAGE", label: "Package", hint: "Sold in bundles of units" },
  { value: "SEAT_BASED", label: "Seats", hint: "Per seat, flat or tiered" },
];

export function modelLabel(t: string): string {
  return PRICING_MODELS.find((m) => m.value === t)?.label ?? t;
}

export const FREQUENCY_LABEL: Record<BillingFrequency, string> = {
  ONE_TIME: "One-time",
  MONTHLY: "Monthly",
  QUARTERLY: "Quarterly",
  HALF_YEARLY: "Half-yearly",
  YEARLY: "Yearly",
};

/** "/ month" etc., appended to a recurring price's summary. */
const PERIOD: Record<BillingFrequency, string> = {
  ONE_TIME: "one-time",
  MONTHLY: "/ month",
  QUARTERLY: "/ quarter",
  HALF_YEARLY: "/ half-year",
  YEARLY: "/ year",
};

/** "month", "quarter"… for "per month" in the preview. */
export const PERIOD_NOUN: Record<BillingFrequency, string> = {
  ONE_TIME: "once",
  MONTHLY: "month",
  QUARTERLY: "quarter",
  HALF_YEARLY: "half-year",
  YEARLY: "year",
};

export const BILLING_TYPE_LABEL: Record<BillingType, string> = {
  IN_ADVANCE: "In advance",
  IN_ARREARS: "In arrears",
};

// ---- access (worker/domain/access.ts: "catalog:write" is admin and finance) ----

const CATALOG_WRITE: Role[] = ["admin", "finance"];

export function canWriteCatalog(entity: Pick<Entity, "roles"> | null | undefined): boolean {
  // No roles in the answer (older server): offer the action and let the server decide.
  if (!entity?.roles) return true;
  return entity.roles.some((r) => CATALOG_WRITE.includes(r));
}

// ---- API ----


const prices = entityResource<Price, PriceInput, { productId?: string; currency?: string }>("prices", 100);

export const catalogApi = {
  products: entityResource<Product, ProductInput, { q?: string }>("products"),
  // Prices are immutable: no update.
  prices: { list: prices.list, get: prices.get, create: prices.create, archive: prices.archive },
  preview: (entity: string, body: { currency: string; structure: unknown; quantity: string }, signal?: AbortSignal) =>
    request<{ amount: string; currency: string }>("POST", `${entityPath(entity)}/pricing/preview`, { body, signal }),
};

// ---- formatting (decimal strings in, text out; no floating point) ----

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

export function isPlainDecimal(s: string | null | undefined): s is string {
  return typeof s === "string" && PLAIN_DECIMAL.test(s);
}

const digitsCache = new Map<string, number>();

/** ISO 4217 minor digits as the browser knows them (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat | null {
  let f = formatters.get(key);
  if (!f) {
    try {
      f = make();
    } catch {
      return null;
    }
    formatters.set(key, f);
  }
  return f;
}

/** Intl formats a decimal string exactly (Intl.NumberFormat v3): no detour through a float. */
function formatDecimalString(f: Intl.NumberFormat, value: string): string {
  return (f.format as (v: string) => string)(value);
}

/**
 * "£1,250.00", "£0.002" (unit prices keep their own decimals, at least the currency's). A value that
 * is not a plain decimal is shown as typed, with the code.
 */
export function money(amount: string, currency: string): string {
  if (!isPlainDecimal(amount)) return `${amount} ${currency}`;
  const digits = currencyDigits(currency);
  const f = formatter(`m:${currency}`, () =>
    new Intl.NumberFormat("en-GB", {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: digits,
      maximumFractionDigits: 12,
    }),
  );
  return f ? formatDecimalString(f, amount) : `${amount} ${currency}`;
}

/** "10,000", "2.5". */
export function qty(value: string): string {
  if (!isPlainDecimal(value)) return value;
  const f = formatter("q", () => new Intl.NumberFormat("en-GB", { maximumFractionDigits: 12 }));
  return f ? formatDecimalString(f, value) : value;
}

/** "1.5%". */
export function percent(value: string): string {
  return `${qty(value)}%`;
}

/** True for "0", "0.00": a free tier. */
function isZero(value: string | undefined): boolean {
  return isPlainDecimal(value) && /^-?0+(\.0+)?$/.test(value);
}

/**
 * One line a person reads: "£15.00 per seat / month, min 5 seats",
 * "Graduated: 0–10,000 free, 10,000–100,000 £0.002, then £0.001 per unit / month".
 */
export function summarize(
  structure: PriceStructure | Record<string, unknown>,
  currency: string,
  frequency: BillingFrequency,
): string {
  const s = structure as Record<string, unknown>;
  const m = (v: unknown) => money(String(v ?? ""), currency);
  const period = PERIOD[frequency] ?? "";
  const tail = (text: string) => (frequency === "ONE_TIME" ? `${text} one-time` : `${text} ${period}`);

  switch (s.pricingType) {
    case "FIXED":
      return tail(m(s.price));
    case "ONE_TIME":
      return `${m(s.price)} one-time`;
    case "LINEAR": {
      if (s.isPricePercentage === true) {
        const limits: string[] = [];
        if (s.minPrice !== undefined) limits.push(`min ${m(s.minPrice)}`);
        if (s.maxPrice !== undefined) limits.push(`max ${m(s.maxPrice)}`);
        return `${tail(`${percent(String(s.price))} of amount`)}${limits.length ? `, ${limits.join(", ")}` : ""}`;
      }
      return tail(`${m(s.price)} per unit`);
    }
    case "PACKAGE": {
      const size = String(s.packageSize ?? "");
      return tail(`${m(s.pricePerPackage)} per ${size === "1" ? "unit" : `${qty(size)} units`}`);
    }
    case "VOLUME":
    case "GRADUATED":
      return tail(`${s.pricingType === "VOLUME" ? "Volume" : "Graduated"}: ${tiersText(s.tiers, currency, "unit")}`);
    case "SEAT_BASED": {
      const min = typeof s.contractedMinimumSeats === "number" && s.contractedMinimumSeats > 0 ? s.contractedMinimumSeats : null;
      const minText = min === null ? "" : `, min ${qty(String(min))} seat${min === 1 ? "" : "s"}`;
      if (s.pricePerSeat !== undefined) return `${tail(`${m(s.pricePerSeat)} per seat`)}${minText}`;
      return `${tail(`Seats: ${tiersText(s.tiers, currency, "seat")}`)}${minText}`;
    }
    default:
      return String(s.pricingType ?? "Unknown pricing");
  }
}

function tiersText(raw: unknown, currency: string, unit: string): string {
  const tiers = Array.isArray(raw) ? (raw as Tier[]) : [];
  if (tiers.length === 0) return "no tiers";
  const priceOf = (t: Tier) => {
    const fee = t.fee !== undefined && !isZero(t.fee) ? ` (+${money(t.fee, currency)} flat)` : "";
    if (isZero(t.price) && !fee) return "free";
    return `${t.isPricePercentage ? percent(t.price) : money(t.price, currency)}${fee}`;
  };
  if (tiers.length === 1) return `${priceOf(tiers[0])} per ${unit}`;
  let lower = "0";
  const parts = tiers.map((t, i) => {
    if (i === tiers.length - 1) return `then ${priceOf(t)}`;
    const part = `${qty(lower)}–${qty(t.upperBound ?? "?")} ${priceOf(t)}`;
    lower = t.upperBound ?? lower;
    return part;
  });
  const last = tiers[tiers.length - 1];
  const perUnit = isZero(last.price) && (last.fee === undefined || isZero(last.fee)) ? "" : ` per ${unit}`;
  return `${parts.join(", ")}${perUnit}`;
}

// ---- server validation messages, as a person would write them ----

/** The API's zod/engine messages ("must be a plain decimal string …") in a form's words. */
export function humanize(message: string, value?: string): string {
  const m = message.trim();
  if (/^must be a (plain )?decimal string/i.test(m)) {
    return value === undefined || value.trim() === "" ? "Required" : "Enter a number such as 12.50";
  }
  if (/^Too small: expected string to have >=1 characters?$/i.test(m)) return "Required";
  if (/^Invalid input: expected \w+, received undefined$/i.test(m)) return "Required";
  if (/^Invalid input: expected number, received string$/i.test(m)) return "Enter a whole number";
  const tooLong = m.match(/^Too big: expected string to have <=(\d+) characters?$/i);
  if (tooLong) return `At most ${tooLong[1]} characters`;
  const prev = m.match(/^must be greater than the previous tier's upperBound \((.*)\)$/);
  if (prev) return `Must be more than ${prev[1]}, the bound above`;
  if (m === "must be greater than 0") return "Must be greater than 0";
  if (m === "must not be negative") return "Can't be negative";
  if (m === "must have at most 0 decimal places") return "Must be a whole number";
  if (/^must have at most (\d+) decimal places$/.test(m)) return `M${m.slice(1)}`;
  if (m === "a percentage price must be at most 100") return "A percentage can be at most 100";
  if (m === "must not be less than minPrice") return "Must not be less than the minimum";
  if (m === "seats are counted in whole numbers" || m === "must be a whole number of seats") return "Seats are whole numbers";
  return m.charAt(0).toUpperCase() + m.slice(1);
}
