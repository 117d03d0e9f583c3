// Choosing a line's tax (worker/domain/tax-rules.ts): exempt and reverse-charged customers, the country
// whose tax applies, the most specific rate, EU VAT id formats and the reverse-charge proposal.
// Cases follow the public docs of Stripe (zero tax and reverse charges), Sequence (tax status, tax
// categories) and Lago (EU tax decision tree); each is named where it is used.
import { describe, expect, it } from "vitest";
import {
  EU_REVERSE_CHARGE_NOTE,
  REVERSE_CHARGE_NOTE,
  UK_REVERSE_CHARGE_NOTE,
  checkEuVatId,
  chooseRate,
  chooseTax,
  proposeReverseCharge,
  taxCountry,
  type TaxMerchant,
  type TaxRate,
} from "../../worker/domain/tax-rules.ts";

const de: TaxMerchant = { country: "DE", taxRegistrations: [{ country: "DE", taxId: "DE136695976", type: "VAT" }] };
const deWithFr: TaxMerchant = { country: "DE", taxRegistrations: [...de.taxRegistrations, { country: "FR", taxId: "FR40303265045", type: "VAT" }] };
const uk: TaxMerchant = { country: "GB", taxRegistrations: [{ country: "GB", taxId: "GB123456789", type: "VAT" }] };
const us: TaxMerchant = { country: "US", taxRegistrations: [] };

const rates: TaxRate[] = [
  { id: "de_std", name: "USt 19 %", percentage: "19", country: "DE" },
  { id: "de_books", name: "USt 7 % (books)", percentage: "7", country: "DE", category: "ebooks" },
  { id: "fr_std", name: "TVA 20 %", percentage: "20", country: "FR" },
  { id: "gb_std", name: "VAT 20 %", percentage: "20", country: "GB" },
  { id: "gb_zero", name: "VAT 0 % (zero-rated)", percentage: "0", country: "GB", category: "ebooks" },
  { id: "any_training", name: "Training", percentage: "5", category: "training" },
];

describe("chooseTax", () => {
  it.each([
    // [case, merchant, customer, category, expected]
    ["a domestic sale: the merchant's standard rate", de, { country: "DE", taxStatus: "TAXED" }, null, { treatment: "TAXED", taxRateId: "de_std", percentage: "19", reason: "standard_rated" }],
    // Sequence: the rate is looked up by the product's tax category and the customer's region.
    ["the product's category in the country", de, { country: "DE", taxStatus: "TAXED" }, "ebooks", { treatment: "TAXED", taxRateId: "de_books", percentage: "7" }],
    ["a category with no rate of its own falls back to the country's standard rate", de, { country: "DE", taxStatus: "TAXED" }, "software", { taxRateId: "de_std" }],
    ["a category rate with no country applies in any country, above the country's standard rate", de, { country: "DE", taxStatus: "TAXED" }, "training", { taxRateId: "any_training", percentage: "5" }],
    // Stripe (zero tax): exempt or zero-rated products — the buyer pays no tax, the line still carries its rate.
    ["a zero-rated category", uk, { country: "GB", taxStatus: "TAXED" }, "ebooks", { treatment: "TAXED", taxRateId: "gb_zero", percentage: "0", reason: "standard_rated" }],
    // Stripe: a customer marked exempt pays no tax (taxability reason customer_exempt); Sequence's "tax exempt" status.
    ["a TAX_EXEMPT customer", de, { country: "DE", taxStatus: "TAX_EXEMPT" }, null, { treatment: "EXEMPT", taxRateId: null, percentage: "0", reason: "customer_exempt" }],
    // Lago's EU tree: a B2B customer in another member state — reverse charge at 0 %.
    ["an EU business in another member state", de, { country: "FR", taxStatus: "REVERSE_CHARGED", taxId: "FR40303265045" }, null, { treatment: "REVERSE_CHARGE", taxRateId: null, percentage: "0", reason: "reverse_charge", note: EU_REVERSE_CHARGE_NOTE, buyerTaxId: "FR40303265045" }],
    // Sequence's example: a UK-based business selling to a business in France is reverse charged; no EU article applies to the UK seller.
    ["a UK seller to a French business", uk, { country: "FR", taxStatus: "REVERSE_CHARGED", taxId: "FR40303265045" }, null, { treatment: "REVERSE_CHARGE", note: REVERSE_CHARGE_NOTE }],
    ["the UK domestic reverse charge", uk, { country: "GB", taxStatus: "REVERSE_CHARGED", taxId: "GB123456789" }, null, { treatment: "REVERSE_CHARGE", note: UK_REVERSE_CHARGE_NOTE }],
    // Lago's EU tree: a consumer in another member state pays that state's rate — here because the merchant is registered there (OSS).
    ["an EU consumer where the merchant is registered", deWithFr, { country: "FR", taxStatus: "TAXED" }, null, { treatment: "TAXED", taxRateId: "fr_std", percentage: "20" }],
    ["an EU consumer where the merchant is not registered and has no rate: the merchant's own", { country: "DE", taxRegistrations: [] }, { country: "AT", taxStatus: "TAXED" }, null, { taxRateId: "de_std" }],
    // Stripe (zero tax): not registered in the customer's jurisdiction — no tax collected (not_collecting); Lago: outside the EU, exempt at 0 %.
    ["a customer outside the EU, no registration or rate there", de, { country: "CH", taxStatus: "TAXED" }, null, { treatment: "EXEMPT", taxRateId: null, percentage: "0", reason: "not_collecting" }],
    ["a US merchant, a UK customer: a GB rate set up means it collects there", us, { country: "GB", taxStatus: "TAXED" }, null, { treatment: "TAXED", taxRateId: "gb_std" }],
    ["a country the entity has no rate for: flagged, not guessed", us, { country: "US", taxStatus: "TAXED" }, null, { treatment: "TAXED", taxRateId: null, percentage: "0", reason: "no_rate" }],
  ] as const)("%s", (_case, merchant, customer, category, expected) => {
    expect(chooseTax(merchant, customer, category, rates)).toMatchObject(expected);
  });

  it("a reverse charge without a tax id carries no buyerTaxId (customers.ts refuses that status without one)", () => {
    expect(chooseTax(de, { country: "FR", taxStatus: "REVERSE_CHARGED", taxId: null }, null, rates)).not.toHaveProperty("buyerTaxId");
  });
});

describe("chooseRate", () => {
  it("most specific first; a category rate never applies to another category or none; ties go to the first listed", () => {
    const list: TaxRate[] = [
      { id: "a", name: "any", percentage: "10" },
      { id: "b", name: "DE", percentage: "19", country: "DE" },
      { id: "c", name: "DE again", percentage: "16", country: "DE" },
      { id: "d", name: "food anywhere", percentage: "5", category: "food" },
      { id: "e", name: "DE food", percentage: "7", country: "DE", category: "food" },
      { id: "bad", name: "broken", percentage: "120", country: "DE", category: "food" },
    ];
    expect(chooseRate(list, "DE", "food")?.id).toBe("e");
    expect(chooseRate(list, "FR", "food")?.id).toBe("d");
    expect(chooseRate(list, "DE", null)?.id).toBe("b");
    expect(chooseRate(list, "FR", null)?.id).toBe("a");
    expect(chooseRate(list.filter((r) => !r.category && r.country), "FR", "food")).toBeNull();
  });

  it("taxCountry: the customer's, the merchant's within the EU, or none", () => {
    expect(taxCountry(de, "DE")).toBe("DE");
    expect(taxCountry(deWithFr, "FR")).toBe("FR");
    expect(taxCountry(de, "FR")).toBe("DE");
    expect(taxCountry(de, "FR", rates)).toBe("FR");
    expect(taxCountry(de, "US")).toBeNull();
    expect(taxCountry(uk, "FR")).toBeNull(); // post-Brexit the UK is outside the EU's rules
  });
});

describe("EU VAT ids (jsvat)", () => {
  it.each([
    ["DE136695976", "DE", { valid: true, normalized: "DE136695976" }],
    ["de 136 695 976", "DE", { valid: true, normalized: "DE136695976" }],
    ["136695976", "DE", { valid: true, normalized: "DE136695976" }], // prefix left out
    ["EL094259216", "GR", { valid: true, normalized: "EL094259216" }], // Greece's prefix is EL
    ["GR094259216", "GR", { valid: false, reason: "wrong_country" }],
    ["NL004495445B01", "NL", { valid: true }],
    ["FR40303265045", "FR", { valid: true }],
    ["ATU12345675", "AT", { valid: true }],
    ["DE123456789", "DE", { valid: false, reason: "invalid_check_digits" }], // the right shape, a wrong check digit
    ["DE12345", "DE", { valid: false, reason: "invalid_format" }],
    ["FR40303265045", "DE", { valid: false, reason: "wrong_country" }],
    ["", "DE", { valid: false, reason: "missing" }],
    ["GB123456789", "GB", { valid: false, reason: "not_eu" }],
  ] as const)("%s for %s", (taxId, country, expected) => {
    expect(checkEuVatId(taxId, country)).toMatchObject(expected);
  });
});

describe("proposeReverseCharge", () => {
  it("proposes REVERSE_CHARGED for an EU business in another member state with a valid VAT id", () => {
    expect(proposeReverseCharge("DE", { country: "FR", taxId: "FR 40 303 265 045" })).toEqual({ propose: true, taxStatus: "REVERSE_CHARGED", taxId: "FR40303265045" });
    expect(proposeReverseCharge("NL", { country: "BE", taxId: "BE0411905847" })).toMatchObject({ propose: true });
  });

  it.each([
    ["DE", { country: "DE", taxId: "DE136695976" }, "same_country"], // Lago: same country → the domestic rate
    ["GB", { country: "FR", taxId: "FR40303265045" }, "merchant_not_eu"], // a UK seller: not the EU's intra-community rule
    ["DE", { country: "US", taxId: "12-3456789" }, "customer_not_eu"],
    ["DE", { country: "FR", taxId: null }, "missing"], // Lago: no tax id → treated as a consumer
    ["DE", { country: "FR", taxId: "FR12345678901" }, "invalid_check_digits"],
    ["DE", { country: "FR", taxId: "FR123" }, "invalid_format"],
    ["DE", { country: "FR", taxId: "NL004495445B01" }, "wrong_country"],
  ] as const)("not for %s → %j", (merchantCountry, customer, reason) => {
    expect(proposeReverseCharge(merchantCountry, customer)).toEqual({ propose: false, reason });
  });
});
