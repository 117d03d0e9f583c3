// What a quote's lines add up to over its contract (API.md "Quote terms"): per billing period, once,
// on the first invoice, and over the whole contract length. Pure and exact: every figure is a sum of
// rounded line totals times whole numbers of periods, so it is already in the currency's minor units.
import { BILLING_FREQUENCY, FREQUENCY_ORDER, isBillingFrequency, type BillingFrequency } from "./billing.ts";
import { multiplyMoney, sumMoney } from "./money.ts";

export const DEFAULT_CONTRACT_LENGTH_MONTHS = 12;
export const MAX_CONTRACT_LENGTH_MONTHS = 120;

/** One line as the contract sees it: how often it bills, when in the period, and its amount per period (after discount). */
export interface ContractLine {
  billingFrequency: string;
  billingType: string;
  total: string;
}

export interface ContractTotals {
  /** Per recurring frequency present: the amount billed each period. */
  recurring: Partial<Record<Exclude<BillingFrequency, "ONE_TIME">, string>>;
  /** The one-time lines, billed once. */
  oneTime: string;
  /** What the first invoice bills: one-time lines and one period of every IN_ADVANCE recurring line (arrears lines bill at the period's end). */
  firstInvoice: string;
  /** One-time lines once, each recurring line times its billing periods in the contract length. */
  totalContractValue: string;
  /** The recurring lines over one year (monthly × 12, quarterly × 4, half-yearly × 2, yearly × 1). */
  annualRecurringRevenue: string;
}

/** Months per period of a recurring frequency; 0 for ONE_TIME (or a frequency we do not know). */
function monthsPerPeriod(frequency: string): number {
  return isBillingFrequency(frequency) ? BILLING_FREQUENCY[frequency].months : 0;
}

/**
 * Billing periods of `frequency` in a contract of `months`: a period that starts within the contract
 * is billed whole (13 months of a quarterly line is 5 quarters), as a schedule bills it; ONE_TIME is 1.
 */
export function periodsIn(frequency: string, months: number): number {
  const per = monthsPerPeriod(frequency);
  return per === 0 ? 1 : Math.ceil(months / per);
}

export function contractTotals(lines: readonly ContractLine[], contractLengthMonths: number, currency: string): ContractTotals {
  const oneTime: string[] = [];
  const firstInvoice: string[] = [];
  const overContract: string[] = [];
  const annual: string[] = [];
  const recurringByFrequency = new Map<string, string[]>();
  for (const line of lines) {
    const per = monthsPerPeriod(line.billingFrequency);
    if (per === 0) {
      oneTime.push(line.total);
      firstInvoice.push(line.total);
      overContract.push(line.total);
      continue;
    }
    const group = recurringByFrequency.get(line.billingFrequency) ?? [];
    group.push(line.total);
    recurringByFrequency.set(line.billingFrequency, group);
    if (line.billingType !== "IN_ARREARS") firstInvoice.push(line.total);
    overContract.push(multiplyMoney(line.total, String(periodsIn(line.billingFrequency, contractLengthMonths)), currency));
    annual.push(multiplyMoney(line.total, String(12 / per), currency));
  }
  // Not held to the engine's 1e15 cap: the cap bounds what one period can bill (quoteTotals checks
  // it), and a contract of many periods may exceed it; these stay exact decimal strings regardless.
  const sum = (amounts: string[]) => sumMoney(amounts, currency);
  const recurring: ContractTotals["recurring"] = {};
  for (const frequency of FREQUENCY_ORDER) {
    const amounts = recurringByFrequency.get(frequency);
    if (frequency !== "ONE_TIME" && amounts) recurring[frequency] = sum(amounts);
  }
  return {
    recurring,
    oneTime: sum(oneTime),
    firstInvoice: sum(firstInvoice),
    totalContractValue: sum(overContract),
    annualRecurringRevenue: sum(annual),
  };
}
