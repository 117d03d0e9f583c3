// Billing frequencies and types (DESIGN.md §3) and the one table of their labels, shared by the
// Worker's documents and the web app. Pure.
export const BILLING_FREQUENCIES = ["ONE_TIME", "MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY"] as const;
export type BillingFrequency = (typeof BILLING_FREQUENCIES)[number];
export const BILLING_TYPES = ["IN_ADVANCE", "IN_ARREARS"] as const;
export type BillingType = (typeof BILLING_TYPES)[number];

interface FrequencyLabels {
  /** "Monthly": a column value or a heading. */
  label: string;
  /** "/ month": after an amount ("$30 / month"); "one-time" for ONE_TIME. */
  suffix: string;
  /** "month": in "per month". */
  noun: string;
  /** Billing periods in a year (0 for ONE_TIME); months per period is 12 / this. */
  months: number;
}

export const BILLING_FREQUENCY: Readonly<Record<BillingFrequency, Readonly<FrequencyLabels>>> = {
  ONE_TIME: { label: "One-time", suffix: "one-time", noun: "once", months: 0 },
  MONTHLY: { label: "Monthly", suffix: "/ month", noun: "month", months: 1 },
  QUARTERLY: { label: "Quarterly", suffix: "/ quarter", noun: "quarter", months: 3 },
  HALF_YEARLY: { label: "Half-yearly", suffix: "/ half-year", noun: "half-year", months: 6 },
  YEARLY: { label: "Yearly", suffix: "/ year", noun: "year", months: 12 },
};

/** Display order: recurring from the shortest period, one-time last. */
export const FREQUENCY_ORDER: readonly BillingFrequency[] = ["MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY", "ONE_TIME"];

export const BILLING_TYPE_LABEL: Readonly<Record<BillingType, string>> = { IN_ADVANCE: "In advance", IN_ARREARS: "In arrears" };

export function isBillingFrequency(value: unknown): value is BillingFrequency {
  return typeof value === "string" && value in BILLING_FREQUENCY;
}

/** "MONTHLY" -> "Monthly"; an unknown value is returned as it is. */
export function frequencyLabel(value: string | null | undefined): string {
  if (!value) return "";
  return isBillingFrequency(value) ? BILLING_FREQUENCY[value].label : value;
}
