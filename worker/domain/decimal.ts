// Exact decimal numbers for money, prices and quantities (DESIGN.md §3). Pure, no I/O.
// Values travel as plain decimal strings ("1250.00") and are computed with big.js; never with floats.
import Big from "big.js";

/**
 * Our own big.js constructor, so no global setting made elsewhere can change how we compute.
 * - DP 40: quotients we take (percentages, ratios) stay exact far beyond anything we round to;
 *   inputs carry at most 12 decimals, so 40 leaves room for products of two such values and more.
 * - RM half-up: big.js's roundHalfUp rounds ties away from zero (1.005 -> 1.01, -1.005 -> -1.01).
 * - NE/PE at their limits: toString never switches to exponent notation.
 * - strict: a JavaScript number passed in throws, so a float can't sneak into a computation.
 */
export const Decimal = Big();
Decimal.DP = 40;
Decimal.RM = Big.roundHalfUp;
Decimal.NE = -1e6;
Decimal.PE = 1e6;
Decimal.strict = true;

export type Decimal = Big;

/** Most decimals any amount, unit price, quantity or percentage may carry (Stripe's limit too). */
export const MAX_DECIMALS = 12;
/** Largest magnitude we accept anywhere: 1e15. */
export const MAX_MAGNITUDE = "1000000000000000";

export const ZERO: Decimal = new Decimal("0");
export const ONE: Decimal = new Decimal("1");
export const ONE_HUNDRED: Decimal = new Decimal("100");

export interface DecimalRules {
  /** Most fraction digits allowed (default MAX_DECIMALS). */
  maxDecimals?: number;
  /** Refuse values below zero ("-0" included). */
  nonNegative?: boolean;
  /** Refuse zero and values below it. */
  positive?: boolean;
  /** Largest value allowed (inclusive), as a plain decimal string. */
  max?: string;
  /** Lift the 1e15 magnitude limit (intermediate arithmetic, not input). */
  unbounded?: boolean;
}

const PLAIN =
  "must be a plain decimal string such as \"12.50\" (digits and one '.', optional leading '-'; no exponent, '+', spaces, NaN or Infinity)";

/** |x| > 1e15, read from big.js's documented form (coefficient digits c, exponent e): 1e15 is c=[1], e=15. */
export function exceedsMaxMagnitude(x: Decimal): boolean {
  return x.e > 15 || (x.e === 15 && (x.c[0] > 1 || x.c.length > 1));
}

/**
 * Read `value` as a Decimal under `rules`, or say why it can't be: the one parser behind the zod
 * schemas (API edge), money helpers and the pricing engine, so they never disagree.
 * Accepts plain notation only: optional '-', no leading zeros ("007"), no '+', exponent, spaces, bare '.'.
 * It scans the string once and builds the value in big.js's documented form (coefficient c,
 * exponent e, sign s), several times faster than big.js's general parser, which also takes exponents.
 */
export function readDecimal(value: unknown, rules: DecimalRules = {}): Decimal | string {
  if (typeof value !== "string") return "must be a decimal string such as \"12.50\"";
  const length = value.length;
  let i = 0;
  let sign = 1;
  let code = length > 0 ? value.charCodeAt(0) : -1;
  if (code === 45 /* - */) {
    sign = -1;
    i = 1;
    code = length > 1 ? value.charCodeAt(1) : -1;
  }
  // One scan: digits go straight into the coefficient, leading zeros skipped, the exponent counted.
  const digits: number[] = [];
  let exponent = -1; // of the first significant digit
  let significant = 0; // length of `digits` up to its last non-zero digit
  if (code === 48 /* 0 */) {
    i++; // a lone integer zero; "007" fails below at the second '0'
  } else if (code > 48 && code <= 57) {
    do {
      digits.push(code - 48);
      if (code !== 48) significant = digits.length;
      exponent++;
      i++;
    } while (i < length && (code = value.charCodeAt(i)) >= 48 && code <= 57);
  } else {
    return PLAIN;
  }
  if (i < length) {
    if (value.charCodeAt(i) !== 46 /* . */) return PLAIN;
    const fractionStart = ++i;
    for (; i < length; i++) {
      code = value.charCodeAt(i);
      if (code < 48 || code > 57) return PLAIN;
      if (digits.length === 0 && code === 48) {
        exponent--; // a zero before the first significant digit
        continue;
      }
      digits.push(code - 48);
      if (code !== 48) significant = digits.length;
    }
    if (i === fractionStart) return PLAIN;
    const maxDecimals = rules.maxDecimals ?? MAX_DECIMALS;
    if (i - fractionStart > maxDecimals) return `must have at most ${maxDecimals} decimal places`;
  }
  if (sign < 0 && (rules.nonNegative || rules.positive)) return "must not be negative";

  const result = new Decimal(ZERO); // a fresh instance of our constructor, then its documented fields
  result.s = sign;
  if (significant === 0) {
    result.e = 0;
    result.c = [0];
  } else {
    if (significant < digits.length) digits.length = significant; // big.js keeps no trailing zeros
    result.e = exponent;
    result.c = digits;
  }
  if (!rules.unbounded && exceedsMaxMagnitude(result)) return `must be at most ${MAX_MAGNITUDE} in magnitude`;
  if (rules.positive && significant === 0) return "must be greater than 0";
  if (rules.max !== undefined && result.gt(new Decimal(rules.max))) return `must be at most ${rules.max}`;
  return result;
}

/** Why `value` is not an acceptable decimal string under `rules`, or null when it is. */
export function decimalIssue(value: unknown, rules: DecimalRules = {}): string | null {
  const read = readDecimal(value, rules);
  return typeof read === "string" ? read : null;
}

/** True when `value` is a plain decimal string (any number of decimals, any size). */
export function isPlainDecimal(value: string): boolean {
  return typeof readDecimal(value, { maxDecimals: Infinity, unbounded: true }) !== "string";
}

/** Decimal places the value needs ("1.500" needs 1, "12" none), from big.js's normalised c and e. */
export function decimalPlaces(value: Decimal): number {
  return Math.max(0, value.c.length - 1 - value.e);
}

/** Number of digits after the decimal point of a plain decimal string, as written. */
export function fractionDigits(value: string): number {
  const dot = value.indexOf(".");
  return dot < 0 ? 0 : value.length - dot - 1;
}

/**
 * `value` rounded half away from zero to `digits` fraction digits, written with exactly that many
 * ("5", "1250.00", "1.234"); zero never carries a minus sign (big.js would write "-0.00").
 * Reads big.js's documented form directly: one pass, no intermediate copies (the hot path of pricing).
 */
export function toFixedDigits(value: Decimal, digits: number): string {
  const c = value.c;
  // c[k] is the digit worth 10^(e-k); keep those worth 10^-digits or more.
  const keep = value.e + digits + 1;
  let kept: number[];
  if (keep <= 0) {
    // Every digit is below the last place kept: it rounds to one unit of that place or to zero.
    if (keep === 0 && c[0] >= 5) kept = [1];
    else return digits === 0 ? "0" : "0." + "0".repeat(digits);
  } else {
    kept = c.slice(0, keep);
    while (kept.length < keep) kept.push(0);
    if (c.length > keep && c[keep] >= 5) {
      // Half away from zero: the magnitude rounds up whatever the sign.
      let k = keep - 1;
      while (k >= 0 && kept[k] === 9) kept[k--] = 0;
      if (k >= 0) kept[k]++;
      else kept.unshift(1);
    }
  }
  // `kept` holds round(|value| × 10^digits); below 1 it needs "0." and any zeros after the point.
  const integerDigits = kept.length - digits;
  let text = integerDigits <= 0 ? "0." + "0".repeat(-integerDigits) : "";
  let nonZero = false;
  for (let k = 0; k < kept.length; k++) {
    if (k === integerDigits && k > 0) text += ".";
    const digit = kept[k];
    if (digit !== 0) nonZero = true;
    text += digit;
  }
  return value.s < 0 && nonZero ? "-" + text : text;
}
