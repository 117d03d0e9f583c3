// How a quote line reads to a customer: the product's name as its title, the price's model and period
// as its detail, and a unit price where the model has one. Pure; the quote view, the published
// document and the PDF share it, so the page and the PDF say the same thing.
import { BILLING_FREQUENCY, isBillingFrequency } from "./billing.ts";
import type { PriceStructure } from "./pricing.ts";

/** The price of one unit and what the unit is, or null for tiered and percentage prices. */
export interface UnitPrice {
  unitPrice: string;
  /** "per unit", "per seat", "per 100 units" */
  per: string;
}

export function unitPriceOf(structure: PriceStructure): UnitPrice | null {
  switch (structure.pricingType) {
    case "FIXED":
    case "ONE_TIME":
      return { unitPrice: structure.price, per: "per unit" };
    case "LINEAR":
      return structure.isPricePercentage ? null : { unitPrice: structure.pricePerUnit, per: "per unit" };
    case "PACKAGE":
      return { unitPrice: structure.pricePerPackage, per: structure.packageSize === "1" ? "per unit" : `per ${structure.packageSize} units` };
    case "SEAT_BASED":
      return structure.pricePerSeat !== undefined ? { unitPrice: structure.pricePerSeat, per: "per seat" } : null;
    default:
      return null; // VOLUME, GRADUATED: the price depends on the quantity ("tiered")
  }
}

/** The pricing model in words: "Flat fee", "Tiered", "2.5% of the amount". */
export function pricingModelLabel(structure: PriceStructure): string {
  switch (structure.pricingType) {
    case "FIXED":
      return "Flat fee";
    case "ONE_TIME":
      return "One-time fee";
    case "LINEAR":
      return structure.isPricePercentage ? `${structure.pricePerUnit}% of the amount` : "Per unit";
    case "PACKAGE":
      return `Per package of ${structure.packageSize}`;
    case "SEAT_BASED":
      return structure.pricePerSeat !== undefined ? "Per seat" : "Per seat, tiered";
    case "VOLUME":
    case "GRADUATED":
      return "Tiered";
  }
}

/** "Flat fee · billed monthly in advance", "One-time fee", "Tiered · billed quarterly in arrears". */
export function lineDetail(structure: PriceStructure, billingFrequency: string, billingType: string): string {
  const model = pricingModelLabel(structure);
  if (!isBillingFrequency(billingFrequency) || billingFrequency === "ONE_TIME") return model === "One-time fee" ? model : `${model} · billed once`;
  const period = BILLING_FREQUENCY[billingFrequency].label.toLowerCase();
  return `${model} · billed ${period} ${billingType === "IN_ARREARS" ? "in arrears" : "in advance"}`;
}
