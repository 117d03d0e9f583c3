// Which tax an invoice line carries (DESIGN.md §3 "Customer taxStatus"; API.md "tax"). Pure, no I/O.
// The invoice code (invoice.ts) computes the tax from the rate chosen here.
//
// chooseTax, in order:
// 1. A TAX_EXEMPT customer: no tax (EXEMPT, reason "customer_exempt").
// 2. A REVERSE_CHARGED customer: 0 % and the reverse-charge statement; the buyer's tax id goes on the
//    invoice with it. The statement depends on where the two are:
//    - both in the EU, in different member states: Article 196 of the VAT Directive (EU_REVERSE_CHARGE_NOTE);
//    - both in the UK: the domestic reverse charge (construction, specified goods), UK_REVERSE_CHARGE_NOTE;
//    - anything else (a supply to a business abroad): the general statement, REVERSE_CHARGE_NOTE.
//    The status is the merchant's decision (as Stripe's `tax_exempt: "reverse"`); proposeReverseCharge
//    only suggests it.
// 3. A TAXED customer: the country whose tax applies is the customer's when the merchant is in that
//    country, registered there (taxRegistrations) or has a rate for it; else, for two EU member states, the merchant's
//    (no registration in the customer's state: distance sales below the threshold); else none — the
//    merchant collects no tax there (EXEMPT, reason "not_collecting", Stripe's term).
//    In that country, the rate is the entity's most specific one: the product's taxCategory and the
//    country; the category anywhere (no country); no category in the country; no category anywhere.
//    A rate with a category never applies to a product of another category or of none. Among equals,
//    the first in the order given (the caller lists them oldest first). No rate fits: TAXED at 0 % with
//    taxRateId null and reason "no_rate", for the caller to flag.
import { checkVAT, countries as vatCountries } from "jsvat";
import { readDecimal } from "./decimal.ts";

export const TAX_STATUSES = ["TAXED", "TAX_EXEMPT", "REVERSE_CHARGED"] as const;
export type TaxStatus = (typeof TAX_STATUSES)[number];

export type TaxTreatment = "TAXED" | "EXEMPT" | "REVERSE_CHARGE";
/** Why (Stripe's taxability reasons, where one fits). */
export type TaxReason = "standard_rated" | "customer_exempt" | "reverse_charge" | "not_collecting" | "no_rate";

/** ISO 3166 codes of the EU's 27 member states (Greece is GR; its VAT ids start with EL). */
export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]);

export const EU_REVERSE_CHARGE_NOTE = "Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)";
export const UK_REVERSE_CHARGE_NOTE = "Reverse charge: the customer must account for the VAT to HMRC";
export const REVERSE_CHARGE_NOTE = "Reverse charge: VAT to be accounted for by the recipient";

export interface TaxRate {
  id: string;
  name: string;
  /** 0–100, a decimal string ("19", "7.7"). */
  percentage: string;
  /** ISO 3166 alpha-2; null or absent: any country. */
  country?: string | null;
  /** A product taxCategory; null or absent: products of any category. */
  category?: string | null;
}

export interface TaxMerchant {
  /** The entity's country. */
  country: string;
  /** Where it is registered to collect tax (worker/db/merchant.ts). */
  taxRegistrations: readonly { country: string; taxId?: string | null; type?: string | null }[];
}

export interface TaxCustomer {
  country: string;
  taxStatus: TaxStatus;
  taxId?: string | null;
}

export interface TaxChoice {
  treatment: TaxTreatment;
  taxRateId: string | null;
  /** The percentage charged, "0" unless a rate applies. */
  percentage: string;
  reason: TaxReason;
  /** The statement the invoice must carry (the reverse-charge text). */
  note?: string;
  /** The buyer's tax id, shown with a reverse-charge note. */
  buyerTaxId?: string;
}

const isEu = (country: string) => EU_MEMBER_STATES.has(country);

function reverseChargeNote(merchantCountry: string, customerCountry: string): string {
  if (isEu(merchantCountry) && isEu(customerCountry) && merchantCountry !== customerCountry) return EU_REVERSE_CHARGE_NOTE;
  if (merchantCountry === "GB" && customerCountry === "GB") return UK_REVERSE_CHARGE_NOTE;
  return REVERSE_CHARGE_NOTE;
}

/**
 * The country whose tax applies to a TAXED customer, or null when the merchant collects none there.
 * A rate the entity set up for the customer's country says it collects there, registered or not
 * (Sequence looks a taxed customer's rate up by region).
 */
export function taxCountry(merchant: TaxMerchant, customerCountry: string, rates: readonly TaxRate[] = []): string | null {
  if (customerCountry === merchant.country) return customerCountry;
  if (merchant.taxRegistrations.some((r) => r.country === customerCountry)) return customerCountry;
  if (rates.some((r) => r.country === customerCountry)) return customerCountry;
  if (isEu(merchant.country) && isEu(customerCountry)) return merchant.country;
  return null;
}

/** The most specific of the entity's rates for a product category in a country (see the header), or null. */
export function chooseRate(rates: readonly TaxRate[], country: string, category: string | null | undefined): TaxRate | null {
  let best: TaxRate | null = null;
  let bestScore = -1;
  for (const rate of rates) {
    const rateCountry = rate.country ?? null;
    const rateCategory = rate.category ?? null;
    if (rateCountry !== null && rateCountry !== country) continue;
    if (rateCategory !== null && rateCategory !== (category ?? null)) continue;
    if (typeof readDecimal(rate.percentage, { nonNegative: true, max: "100" }) === "string") continue; // never a malformed rate
    const score = (rateCategory !== null ? 2 : 0) + (rateCountry !== null ? 1 : 0);
    if (score > bestScore) {
      best = rate;
      bestScore = score;
    }
  }
  return best;
}

/** The tax of one line: for a product's `taxCategory`, between this merchant and this customer. */
export function chooseTax(merchant: TaxMerchant, customer: TaxCustomer, taxCategory: string | null | undefined, rates: readonly TaxRate[]): TaxChoice {
  if (customer.taxStatus === "TAX_EXEMPT") return { treatment: "EXEMPT", taxRateId: null, percentage: "0", reason: "customer_exempt" };
  if (customer.taxStatus === "REVERSE_CHARGED") {
    const taxId = customer.taxId?.trim();
    return {
      treatment: "REVERSE_CHARGE",
      taxRateId: null,
      percentage: "0",
      reason: "reverse_charge",
      note: reverseChargeNote(merchant.country, customer.country),
      ...(taxId ? { buyerTaxId: taxId } : {}),
    };
  }
  const country = taxCountry(merchant, customer.country, rates);
  if (country === null) return { treatment: "EXEMPT", taxRateId: null, percentage: "0", reason: "not_collecting" };
  const rate = chooseRate(rates, country, taxCategory);
  if (rate === null) return { treatment: "TAXED", taxRateId: null, percentage: "0", reason: "no_rate" };
  return { treatment: "TAXED", taxRateId: rate.id, percentage: rate.percentage, reason: "standard_rated" };
}

// ---- VAT ids and the reverse-charge proposal ----

/** The VAT prefix of an EU member state: its ISO code, except Greece (EL). */
export function vatPrefix(country: string): string {
  return country === "GR" ? "EL" : country;
}

export type VatIdCheck =
  | { valid: true; normalized: string; country: string }
  | { valid: false; reason: "missing" | "not_eu" | "wrong_country" | "invalid_format" | "invalid_check_digits" };

/**
 * The format of an EU VAT id for a customer in `country`, checked offline by jsvat (2.5.4): the
 * country's pattern and its check digits. Spaces, dots and dashes are ignored; the country prefix may
 * be left out. Says nothing of whether the id is registered (that is VIES's job, online).
 */
export function checkEuVatId(taxId: string | null | undefined, country: string): VatIdCheck {
  if (!isEu(country)) return { valid: false, reason: "not_eu" };
  const compact = (taxId ?? "").toUpperCase().replace(/[\s.\-]/g, "");
  if (compact.length === 0) return { valid: false, reason: "missing" };
  const prefix = vatPrefix(country);
  const withPrefix = /^[A-Z]{2}/.test(compact) ? compact : prefix + compact;
  if (!withPrefix.startsWith(prefix)) return { valid: false, reason: "wrong_country" };
  const result = checkVAT(withPrefix, vatCountries);
  if (!result.isValidFormat) return { valid: false, reason: "invalid_format" };
  if (!result.isValid) return { valid: false, reason: "invalid_check_digits" };
  return { valid: true, normalized: withPrefix, country };
}

export type ReverseChargeProposal =
  | { propose: true; taxStatus: "REVERSE_CHARGED"; taxId: string }
  | { propose: false; reason: "merchant_not_eu" | "same_country" | "customer_not_eu" | "missing" | "wrong_country" | "invalid_format" | "invalid_check_digits" };

/**
 * Should this customer be REVERSE_CHARGED? Yes for a business in another EU member state than an EU
 * merchant, with a VAT id of valid format and check digits for its country (the intra-EU B2B case,
 * as Lago's EU tax decision tree). A proposal: the customer's taxStatus changes only when a person
 * confirms it. Northern Ireland's XI ids (goods only) are not covered.
 */
export function proposeReverseCharge(merchantCountry: string, customer: Pick<TaxCustomer, "country" | "taxId">): ReverseChargeProposal {
  if (!isEu(merchantCountry)) return { propose: false, reason: "merchant_not_eu" };
  if (!isEu(customer.country)) return { propose: false, reason: "customer_not_eu" };
  if (customer.country === merchantCountry) return { propose: false, reason: "same_country" };
  const check = checkEuVatId(customer.taxId, customer.country);
  if (!check.valid) return { propose: false, reason: check.reason === "not_eu" ? "customer_not_eu" : check.reason };
  return { propose: true, taxStatus: "REVERSE_CHARGED", taxId: check.normalized };
}
