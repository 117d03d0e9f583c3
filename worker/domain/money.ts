// Money: decimal strings in major units plus an ISO 4217 currency (DESIGN.md §3). Pure, no I/O.
// Amounts are rounded half away from zero to the currency's minor units at line level; totals are
// exact sums of rounded lines, so lines always add up to the total.
import { data as iso4217 } from "currency-codes";
import { z } from "zod";
import {
  Decimal,
  MAX_DECIMALS,
  ZERO,
  decimalIssue,
  decimalPlaces,
  readDecimal,
  toFixedDigits,
  type DecimalRules,
} from "./decimal.ts";

export type MoneyErrorCode = "unknown_currency" | "invalid_amount" | "precision_exceeded";

export class MoneyError extends Error {
  readonly code: MoneyErrorCode;
  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = "MoneyError";
    this.code = code;
  }
}

// ---- currencies ----

// ISO 4217 lists these with minor units "N.A." (precious metals, bond units, SDR, Sucre, ADB unit,
// the testing and no-currency codes). currency-codes 2.2.0 turns "N.A." into 0 when it ingests the
// ISO list (`parseInt(...) || 0`), which would make them look like JPY: they are not money we bill in.
const NOT_MONEY = new Set(["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"]);

const MINOR_UNITS: ReadonlyMap<string, number> = (() => {
  const table = new Map<string, number>();
  for (const record of iso4217) {
    const digits: unknown = record.digits;
    // A future list may carry "N.A." or another non-number: such a code is not a currency to us.
    if (typeof digits !== "number" || !Number.isInteger(digits) || digits < 0 || digits > 4) continue;
    if (!/^[A-Z]{3}$/.test(record.code) || NOT_MONEY.has(record.code)) continue;
    table.set(record.code, digits);
  }
  return table;
})();

/** Most minor digits of any currency we know (4: CLF, UYW). */
export const MAX_MINOR_UNITS = Math.max(...MINOR_UNITS.values());

/** Every active ISO 4217 code we can bill in, sorted. */
export const CURRENCY_CODES: readonly string[] = [...MINOR_UNITS.keys()].sort();

/** True for an uppercase three-letter active ISO 4217 code with a defined number of minor units. */
export function isCurrency(code: string): boolean {
  return typeof code === "string" && MINOR_UNITS.has(code);
}

/** ISO 4217 minor digits: JPY 0, USD 2, KWD 3. Throws MoneyError("unknown_currency") otherwise. */
export function minorUnits(currency: string): number {
  const digits = MINOR_UNITS.get(currency);
  if (digits === undefined) throw new MoneyError("unknown_currency", `Unknown currency: ${String(currency)}`);
  return digits;
}

// ---- parsing ----

// Arithmetic takes any plain decimal; the 12-decimal and 1e15 limits are for input (the schemas below).
const ANY_PLAIN_DECIMAL: DecimalRules = { maxDecimals: Infinity, unbounded: true };
// × 0.01 is exact and cheap; ÷ 100 would run big.js's long division to 40 places.
const ONE_HUNDREDTH: Decimal = new Decimal("0.01");

/** A plain decimal string (or a Decimal) as a Decimal; exponent notation, '+', spaces, NaN throw. */
export function toDecimal(value: Decimal | string): Decimal {
  if (typeof value !== "string") {
    // big.js constructors share one prototype: a Big made by another constructor is copied, so our
    // DP and rounding mode (not the other's) apply to what is computed from it.
    if (value instanceof Decimal) return (value as { constructor?: unknown }).constructor === Decimal ? value : new Decimal(value);
    throw new MoneyError("invalid_amount", "Amount must be a decimal string");
  }
  const read = readDecimal(value, ANY_PLAIN_DECIMAL);
  if (typeof read === "string") throw new MoneyError("invalid_amount", `Not a plain decimal amount: ${JSON.stringify(value)}`);
  return read;
}

// ---- rounding and arithmetic ----

/**
 * `amount` rounded to the currency's minor units, half away from zero — the convention of
 * Stripe, Sequence and most invoicing (1.005 -> "1.01", -1.005 -> "-1.01", 8.675 -> "8.68").
 * Always exactly that many fraction digits ("1250.00", "5" in JPY, "1.234" in KWD); never "-0.00".
 */
export function roundMoney(amount: Decimal | string, currency: string): string {
  return toFixedDigits(toDecimal(amount), minorUnits(currency));
}

function precisionExceeded(value: Decimal, currency: string, digits: number): MoneyError {
  return new MoneyError("precision_exceeded", `${value.toString()} has more than ${digits} decimal places for ${currency}`);
}

/** The amount written with the currency's digits ("12.5" -> "12.50"); throws if that would round it. */
export function formatMoney(amount: Decimal | string, currency: string): string {
  const value = toDecimal(amount);
  const digits = minorUnits(currency);
  if (decimalPlaces(value) > digits) throw precisionExceeded(value, currency, digits);
  return toFixedDigits(value, digits);
}

/** a + b, rounded to the currency. */
export function addMoney(a: Decimal | string, b: Decimal | string, currency: string): string {
  return toFixedDigits(toDecimal(a).plus(toDecimal(b)), minorUnits(currency));
}

/** a − b, rounded to the currency. */
export function subtractMoney(a: Decimal | string, b: Decimal | string, currency: string): string {
  return toFixedDigits(toDecimal(a).minus(toDecimal(b)), minorUnits(currency));
}

/**
 * The exact sum of amounts already in the currency's minor units (invoice lines, quote lines).
 * An amount with more digits than the currency has is refused: it means a line skipped rounding,
 * and the sum would no longer equal the lines a customer sees.
 */
export function sumMoney(amounts: readonly (Decimal | string)[], currency: string): string {
  const digits = minorUnits(currency);
  let total = ZERO;
  for (const amount of amounts) {
    const value = toDecimal(amount);
    if (decimalPlaces(value) > digits) throw precisionExceeded(value, currency, digits);
    total = total.plus(value);
  }
  return toFixedDigits(total, digits);
}

/** amount × factor (a quantity, a rate, a ratio), rounded once to the currency. */
export function multiplyMoney(amount: Decimal | string, factor: Decimal | string, currency: string): string {
  return toFixedDigits(toDecimal(amount).times(toDecimal(factor)), minorUnits(currency));
}

/** `percentage` percent of `amount` ("20" -> 20 %), rounded once to the currency. */
export function percentOf(amount: Decimal | string, percentage: Decimal | string, currency: string): string {
  return toFixedDigits(toDecimal(amount).times(toDecimal(percentage)).times(ONE_HUNDREDTH), minorUnits(currency));
}

/** −1, 0 or 1 as a is less than, equal to or greater than b (exact; "1.50" equals "1.5"). */
export function compareMoney(a: Decimal | string, b: Decimal | string): -1 | 0 | 1 {
  return toDecimal(a).cmp(toDecimal(b));
}

export function isZeroMoney(amount: Decimal | string): boolean {
  return toDecimal(amount).eq(ZERO);
}

export function isNegativeMoney(amount: Decimal | string): boolean {
  return toDecimal(amount).lt(ZERO);
}

/**
 * True when `amount` is a plain decimal the currency can hold without rounding ("12.5" and "12.50"
 * fit USD, "12.345" does not; "12.0" fits JPY, "12.5" does not).
 */
export function fitsCurrency(amount: string, currency: string): boolean {
  const digits = minorUnits(currency);
  const value = readDecimal(amount, ANY_PLAIN_DECIMAL);
  return typeof value !== "string" && decimalPlaces(value) <= digits;
}

// ---- zod schemas (the API edge) ----

/**
 * A zod schema for a decimal string under `rules`: plain notation only (no exponent, no '+', no
 * whitespace, no NaN/Infinity), at most `maxDecimals` fraction digits, |value| ≤ 1e15.
 */
export function decimalString(rules: DecimalRules = {}) {
  return z.string({ error: "must be a decimal string such as \"12.50\"" }).superRefine((value, ctx) => {
    const issue = decimalIssue(value, rules);
    // Like a type error, a malformed number aborts: refinements above it (tier order, min ≤ max) then
    // don't run on a value that isn't one.
    if (issue) ctx.addIssue({ code: "custom", message: issue, input: value, continue: false });
  });
}

/** A money amount, sign allowed; the currency's own digits are checked where the currency is known (fitsCurrency). */
export const moneyAmountSchema = decimalString({ maxDecimals: MAX_MINOR_UNITS });
/** A money amount that may not be negative (prices, fees). */
export const nonNegativeMoneyAmountSchema = decimalString({ maxDecimals: MAX_MINOR_UNITS, nonNegative: true });
/** A unit price or rate: up to 12 decimals, sign allowed (a credit line may carry a negative rate). */
export const unitPriceSchema = decimalString({ maxDecimals: MAX_DECIMALS });
/** A quantity: not negative, fractions allowed (hours, GB), up to 12 decimals. */
export const quantitySchema = decimalString({ maxDecimals: MAX_DECIMALS, nonNegative: true });
/** A percentage from 0 to 100 ("12.5" is 12.5 %), up to 12 decimals. */
export const percentageSchema = decimalString({ maxDecimals: MAX_DECIMALS, nonNegative: true, max: "100" });
/** An ISO 4217 code we can bill in. */
export const currencySchema = z.string().refine(isCurrency, { message: "must be an active ISO 4217 currency code such as \"USD\"" });
