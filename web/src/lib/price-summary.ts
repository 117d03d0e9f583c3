// How a price reads to a person ("$15.00 per seat / month"), for the price editor's default
// name, the catalog, the quote line picker and the line grid's unit-price column.
import { percent, qty, unitPrice, isZero } from "./money.ts";
import { BILLING_FREQUENCY, type BillingFrequency } from "$worker/domain/billing.ts";
import type { PriceTier, PricingType } from "$worker/domain/pricing.ts";

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


/**
 * One line a person reads: "£15.00 per seat / month, min 5 seats",
 * "Graduated: 0–10,000 free, 10,000–100,000 £0.002, then £0.001 per unit / month".
 */
export function summarize(
  structure: { pricingType?: unknown; [k: string]: unknown },
  currency: string,
  frequency: BillingFrequency | string,
): string {
  // Read loosely: a stored structure is the API's record, and an old one may lack a field.
  const s = structure;
  const m = (v: unknown) => unitPrice(String(v ?? ""), currency);
  const period = BILLING_FREQUENCY[frequency as BillingFrequency]?.suffix ?? "";
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

