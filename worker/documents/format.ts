// Display formatting for documents (PDFs, emails): money, quantities, dates, enum labels. Pure, no I/O.
// Amounts and quantities stay decimal strings from end to end (DESIGN.md §3): they are rounded with
// the money helpers and grouped as text, never converted to JavaScript numbers.
import { TZDate } from "@date-fns/tz";
import { format, isValid, parseISO } from "date-fns";
import { frequencyLabel, isBillingFrequency } from "../domain/billing.ts";
import { isValidDate } from "../domain/dates.ts";
import { minorUnits, toDecimal, roundMoney } from "../domain/money.ts";

/** "1234567" -> "1,234,567" (digits only, no sign). */
function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

/** A plain decimal string ("-1234.5") with its integer part grouped ("-1,234.5"). */
function groupDecimal(plain: string): string {
  const negative = plain.startsWith("-");
  const unsigned = negative ? plain.slice(1) : plain;
  const dot = unsigned.indexOf(".");
  const integer = dot < 0 ? unsigned : unsigned.slice(0, dot);
  const fraction = dot < 0 ? "" : unsigned.slice(dot);
  return (negative ? "-" : "") + groupThousands(integer) + fraction;
}

/**
 * The amount rounded (half away from zero) to the currency's minor units and grouped, without the
 * currency: "1234567.5" USD -> "1,234,567.50", "-12" -> "-12.00", "1500" JPY -> "1,500", KWD "1.5" -> "1.500".
 * Used in table cells whose currency is stated once. Throws MoneyError for an unknown currency or a
 * string that is not a plain decimal.
 */
export function formatAmount(amount: string, currency: string): string {
  return groupDecimal(roundMoney(amount, currency));
}

/**
 * The amount with its currency code: "USD 1,234,567.50", "JPY 1,500", "KWD 0.100".
 * Negative amounts put the sign first, as Stripe does with symbols: "-USD 12.00". Zero is never negative.
 */
export function formatMoney(amount: string, currency: string): string {
  const grouped = formatAmount(amount, currency);
  return grouped.startsWith("-") ? `-${currency} ${grouped.slice(1)}` : `${currency} ${grouped}`;
}

/**
 * A quantity as written, without trailing fraction zeros and with its integer part grouped:
 * "1500.25" -> "1,500.25", "3.000" -> "3", "0.5" -> "0.5". Throws MoneyError("invalid_amount") for
 * anything that is not a plain decimal string.
 */
export function formatQuantity(quantity: string): string {
  const plain = toDecimal(quantity).toFixed(); // big.js: exact, normal notation, no trailing zeros
  return groupDecimal(plain === "-0" ? "0" : plain);
}

// An ISO time as written: the date, the clock time, the zone (absent: a floating local time).
const WRITTEN_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The date (and clock time, when one is written) of `value` as a TZDate in the zone it was written in,
 * so formatting shows what the writer saw; null when `value` does not start with a real calendar date.
 */
function writtenDate(value: string): { date: TZDate; time: boolean; zone: string | undefined } | null {
  const day = value.slice(0, 10);
  if (!isValidDate(day) || !(value.length === 10 || value[10] === "T" || value[10] === " ")) return null;
  const match = WRITTEN_TIME.exec(value);
  if (match) {
    const zone = match[3];
    // A floating time is read as UTC and shown in UTC: the clock time as written.
    const instant = parseISO(`${match[1]}T${match[2]}${zone ?? "Z"}`);
    const offset = zone === undefined || zone === "Z" ? "UTC" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    if (isValid(instant)) return { date: new TZDate(instant.getTime(), offset), time: true, zone };
  }
  return { date: new TZDate(`${day}T00:00:00Z`, "UTC"), time: false, zone: undefined };
}

/**
 * "2026-11-26" -> "26 Nov 2026". An ISO time shows the calendar date as written
 * ("2026-11-26T23:30:00-05:00" -> "26 Nov 2026"). null, undefined and "" give ""; anything else that
 * is not a date (including "2026-02-30") comes back unchanged (a document never fails on a date).
 */
export function formatDate(value: string | null | undefined): string {
  if (value == null || value === "") return "";
  const written = writtenDate(value);
  return written ? format(written.date, "d MMM yyyy") : value;
}

/**
 * An ISO time with its clock time and zone as written: "2026-11-26T10:05:00Z" -> "26 Nov 2026, 10:05 UTC",
 * "...T10:05:00+01:00" -> "26 Nov 2026, 10:05 UTC+01:00". A bare date is formatDate's.
 */
export function formatDateTime(value: string | null | undefined): string {
  if (value == null || value === "") return "";
  const written = writtenDate(value);
  if (!written) return value;
  if (!written.time) return format(written.date, "d MMM yyyy");
  const zone = written.zone;
  const suffix = zone === undefined ? "" : zone === "Z" || /^[+-]00:?00$/.test(zone) ? " UTC" : ` UTC${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return `${format(written.date, "d MMM yyyy, HH:mm")}${suffix}`;
}

/** "MONTHLY" -> "Monthly", "HALF_YEARLY" -> "Half-yearly", "ONE_TIME" -> "One-time" (worker/domain/billing.ts); other values title-cased. */
export function formatFrequency(value: string | null | undefined): string {
  if (!value) return "";
  return isBillingFrequency(value) ? frequencyLabel(value) : formatEnum(value);
}

/** "PARTIALLY_PAID" -> "Partially paid", "DRAFT" -> "Draft"; mixed-case text is left as it is. */
export function formatEnum(value: string | null | undefined): string {
  if (!value) return "";
  if (!/^[A-Z0-9_]+$/.test(value)) return value;
  const words = value.toLowerCase().split("_").filter((word) => word !== "");
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A unit price as written, with at least the currency's minor digits and grouped: "15" USD -> "15.00",
 * "0.002" USD -> "0.002" (a per-call price is never rounded to "0.00"), "1500" JPY -> "1,500".
 */
export function formatUnitPrice(amount: string, currency: string): string {
  const plain = toDecimal(amount).toFixed();
  const [integer, fraction = ""] = plain.split(".");
  const digits = Math.max(minorUnits(currency), fraction.length);
  return groupDecimal(digits === 0 ? integer : `${integer}.${fraction.padEnd(digits, "0")}`);
}
