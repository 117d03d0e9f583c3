// The product catalog's client side: API calls (API.md "products", "prices", "pricing preview"),
// the pricing models as the editor offers them, and how a price reads in one line. Shared by the
// products routes. The shapes are the API's ($worker/api/types.ts) and the domain's.
//
// Money and quantities stay decimal STRINGS end to end: they are only ever formatted for display
// (#lib/money.ts), never turned into JavaScript numbers.
import { entityPath, entityResource, request } from "#lib/api.ts";
import { percent, qty, unitPrice, isZero } from "#lib/money.ts";
import type { Price, PriceInput, PricingPreviewResult, Product, ProductUpdate } from "$worker/api/types.ts";
import { BILLING_FREQUENCY, type BillingFrequency } from "$worker/domain/billing.ts";
import type { PriceTier, PricingType } from "$worker/domain/pricing.ts";

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

// ---- API ----


const prices = entityResource<Price, PriceInput, { productId?: string; currency?: string }>("prices", 100);

export const catalogApi = {
  // The form sends one partial shape for create and edit; the server checks what create requires.
  products: entityResource<Product, ProductUpdate, { q?: string }>("products"),
  // Prices are immutable: no update.
  prices: { list: prices.list, get: prices.get, create: prices.create, archive: prices.archive },
  preview: (entity: string, body: { currency: string; structure: unknown; quantity: string }, signal?: AbortSignal) =>
    request<PricingPreviewResult>("POST", `${entityPath(entity)}/pricing/preview`, { body, signal }),
};

// ---- formatting (decimal strings in, text out; no floating point) ----

/**
 * One line a person reads: "£15.00 per seat / month, min 5 seats",
 * "Graduated: 0–10,000 free, 10,000–100,000 £0.002, then £0.001 per unit / month".
 */
export function summarize(
  structure: Price["structure"],
  currency: string,
  frequency: BillingFrequency,
): string {
  // Read loosely: a stored structure is the API's record, and an old one may lack a field.
  const s = structure;
  const m = (v: unknown) => unitPrice(String(v ?? ""), currency);
  const period = BILLING_FREQUENCY[frequency]?.suffix ?? "";
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
        return `${tail(`${percent(String(s.pricePerUnit))} of amount`)}${limits.length ? `, ${limits.join(", ")}` : ""}`;
      }
      return tail(`${m(s.pricePerUnit)} per unit`);
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
  const tiers = Array.isArray(raw) ? (raw as PriceTier[]) : [];
  if (tiers.length === 0) return "no tiers";
  const priceOf = (t: PriceTier) => {
    const fee = t.fee !== undefined && !isZero(t.fee) ? ` (+${unitPrice(t.fee, currency)} flat)` : "";
    if (isZero(t.price) && !fee) return "free";
    return `${t.isPricePercentage ? percent(t.price) : unitPrice(t.price, currency)}${fee}`;
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
