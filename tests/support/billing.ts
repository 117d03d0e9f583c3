// Prices for the billing domain tests (tests/domain/schedule, billing-run, quote-to-schedule).
import type { SchedulePrice } from "../../worker/domain/schedule.ts";

/** A FIXED price (ONE_TIME for that frequency) in EUR, billed in advance, unless `extra` says otherwise. */
export function price(id: string, billingFrequency: string, amount: string, extra: Partial<SchedulePrice> = {}): SchedulePrice {
  const oneTime = billingFrequency === "ONE_TIME";
  return {
    id,
    productId: `prod_${id}`,
    productName: `Product ${id}`,
    name: `Price ${id}`,
    currency: "EUR",
    billingFrequency,
    billingType: "IN_ADVANCE",
    pricingType: oneTime ? "ONE_TIME" : "FIXED",
    structure: oneTime ? { pricingType: "ONE_TIME", price: amount } : { pricingType: "FIXED", price: amount },
    archivedAt: null,
    ...extra,
  };
}
