// Postal addresses in each country's order ("Seattle, WA 98101" in the US, "10117 Berlin" in Germany),
// from the OpenCage templates that @fragaria/address-formatter maintains. Pure: the PDF, the public
// quote document and the web all call addressLines, so one address reads the same everywhere.
import * as formatter from "@fragaria/address-formatter";

/** An address as customers and the merchant store it (worker/api/customers.ts addressSchema). */
export interface PostalAddress {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

export interface AddressOptions {
  /** The country's name for its ISO code; default: English (Intl.DisplayNames), else the code. */
  countryName?: (code: string) => string | undefined;
  /** Whether to end with the country's name (default true). */
  includeCountry?: boolean;
}

// The package's types declare named exports, but its builds have only a default export (ES) or
// module.exports (CJS, which Node's ESM loader exposes as `default`): take whichever is there.
type Formatter = typeof formatter;
const { format } = ((formatter as unknown as { default?: Formatter }).default ?? formatter) as Formatter;

let english: Intl.DisplayNames | null | undefined;
function englishName(code: string): string | undefined {
  if (english === undefined) {
    try {
      english = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    } catch {
      english = null; // a runtime without ICU region names: the code stands in
    }
  }
  try {
    return english?.of(code) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lines of `address` as a letter to that country is addressed: street, then the locality line in
 * the country's order, then the country's name. Blank parts are left out; line2 (suite, floor) comes
 * right after line1, as on an envelope.
 */
export function addressLines(address: PostalAddress, options: AddressOptions = {}): string[] {
  // The formatter's templates cost ~1 ms a call, and a finalize formats the same two parties each time.
  if (options.countryName) return formatLines(address, options);
  const key = JSON.stringify([address.line1, address.line2 ?? null, address.city, address.region ?? null, address.postalCode, address.country, options.includeCountry !== false]);
  let lines = formatted.get(key);
  if (!lines) {
    lines = formatLines(address, options);
    if (formatted.size >= 1000) formatted.clear();
    formatted.set(key, lines);
  }
  return [...lines];
}
const formatted = new Map<string, string[]>();

function formatLines(address: PostalAddress, options: AddressOptions): string[] {
  const country = address.country.trim().toUpperCase();
  const line1 = address.line1.trim();
  const line2 = address.line2?.trim() ?? "";
  const lines = format(
    {
      // line1 is free text ("548 Market St", "Unter den Linden 5"): as the road, each template prints it whole.
      road: line1,
      city: address.city.trim(),
      state: address.region?.trim() || undefined,
      postcode: address.postalCode.trim(),
      countryCode: country,
    },
    { output: "array", appendCountry: false, cleanupPostcode: false },
  )
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (line2) {
    const at = lines.indexOf(line1);
    lines.splice(at === -1 ? 1 : at + 1, 0, line2);
  }
  if (options.includeCountry !== false && country) {
    const name = options.countryName?.(country) ?? englishName(country) ?? country;
    if (lines[lines.length - 1] !== name) lines.push(name);
  }
  return lines;
}
