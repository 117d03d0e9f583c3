// ISO 3166-1 alpha-2 country codes, from a maintained list (i18n-iso-countries).
import codes from "i18n-iso-countries/codes.json" with { type: "json" };

const COUNTRIES = new Set((codes as string[][]).map((row) => row[0]));

export function isCountry(code: string): boolean {
  return COUNTRIES.has(code);
}

/** Every code isCountry accepts, sorted: the list a form offers. */
export const COUNTRY_CODES: readonly string[] = [...COUNTRIES].sort();
