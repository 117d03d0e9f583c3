// Display helpers. The country and currency codes are the Worker's own lists (worker/domain/geo.ts,
// worker/domain/money.ts); their names come from the browser (Intl), so nothing is downloaded.
import { isValid, parseISO } from "date-fns";
import type { EnvironmentName } from "$worker/api/types.ts";
import { COUNTRY_CODES } from "$worker/domain/geo.ts";

const regionNames = safe(() => new Intl.DisplayNames(["en"], { type: "region" }));
const currencyNames = safe(() => new Intl.DisplayNames(["en"], { type: "currency" }));

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export function countryName(code: string | null | undefined): string {
  if (!code) return "";
  return safe(() => regionNames?.of(code.toUpperCase())) ?? code;
}

export function currencyName(code: string | null | undefined): string {
  if (!code) return "";
  return safe(() => currencyNames?.of(code.toUpperCase())) ?? code;
}

/** Country options sorted by name: [{ code, name }]. */
export const COUNTRY_OPTIONS = COUNTRY_CODES.map((code) => ({ code, name: countryName(code) })).sort((a, b) =>
  a.name.localeCompare(b.name),
);

/** An ISO timestamp or a calendar date; "2026-03-01" is that day here, not UTC midnight (parseISO). */
function parsed(iso: string): Date | null {
  const d = parseISO(iso);
  return isValid(d) ? d : null;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = parsed(iso);
  if (!d) return iso;
  // The reader's locale (undefined: the browser's), so "Dec 1, 2026" in the US and "1 Dec 2026" here.
  return d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = parsed(iso);
  if (!d) return iso;
  // A time says its zone ("14:05 GMT+1"): a finance team reads times from several countries.
  return d.toLocaleString(undefined, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? "").trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  return ((parts[0][0] ?? "") + (parts.length > 1 ? (parts[parts.length - 1][0] ?? "") : "")).toUpperCase();
}

export const ENV_LABEL: Record<EnvironmentName, string> = {
  local: "Local",
  sandbox: "Sandbox",
  production: "Production",
};

