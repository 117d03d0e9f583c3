// Money and quantities as a person reads them. Values stay decimal STRINGS: Intl formats a decimal
// string exactly (Intl.NumberFormat v3), with no float on the way. The number of fraction digits is
// the currency's ISO 4217 minor units as the Worker rounds to (worker/domain/money.ts), not Intl's
// own table, which disagrees for a few currencies (IQD, ALL, LBP…). Intl still does grouping and
// the symbol. Pure: no Svelte, no DOM (tests/domain/web-money.test.ts runs it in workerd).
import { isCurrency, minorUnits } from "$worker/domain/money.ts";

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

export function isPlainDecimal(s: string | null | undefined): s is string {
  return typeof s === "string" && PLAIN_DECIMAL.test(s);
}

/** True for a missing amount and for "0", "0.00", "-0". */
export function isZero(amount: string | null | undefined): boolean {
  return !amount || /^-?0*(\.0*)?$/.test(amount);
}

const formatters = new Map<string, Intl.NumberFormat | null>();
function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat | null {
  if (!formatters.has(key)) {
    let f: Intl.NumberFormat | null;
    try {
      f = make();
    } catch {
      f = null; // a code this browser's Intl does not know
    }
    formatters.set(key, f);
  }
  return formatters.get(key) ?? null;
}

function format(f: Intl.NumberFormat | null, value: string, fallback: string): string {
  return f ? (f.format as (v: string) => string)(value) : fallback;
}

/**
 * An amount already rounded to the currency (a line, a total): "1250.00" USD -> "$1,250.00",
 * "5" JPY -> "¥5", "1.500" IQD -> "IQD 1.500". Empty for a missing amount; a value that is not a
 * plain decimal, or a currency we do not know, is shown as it is, with the code.
 */
export function money(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === "") return "";
  if (!isPlainDecimal(amount) || !isCurrency(currency)) return `${amount} ${currency}`;
  const digits = minorUnits(currency);
  const f = formatter(`m:${currency}`, () =>
    new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }),
  );
  return format(f, amount, `${amount} ${currency}`);
}

/**
 * A catalog price, which may be finer than the currency ("£0.002" per API call): at least the
 * currency's digits, and every digit typed.
 */
export function unitPrice(amount: string, currency: string): string {
  if (!isPlainDecimal(amount) || !isCurrency(currency)) return `${amount} ${currency}`;
  const digits = minorUnits(currency);
  const f = formatter(`u:${currency}`, () =>
    new Intl.NumberFormat("en-GB", {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: digits,
      maximumFractionDigits: 12,
    }),
  );
  return format(f, amount, `${amount} ${currency}`);
}

/** "10,000", "2.5". */
export function qty(value: string): string {
  if (!isPlainDecimal(value)) return value;
  return format(formatter("q", () => new Intl.NumberFormat("en-GB", { maximumFractionDigits: 12 })), value, value);
}

/** "1.5%". */
export function percent(value: string): string {
  return `${qty(value)}%`;
}
