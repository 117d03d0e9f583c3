// The preflight's judgement of an invoice's lines against an organisation's settings (pure), and the
// booking the sync sends: a line Kontor charges no tax on goes as Xero's NONE, never the account's default.
import { describe, expect, it } from "vitest";
import type { XeroMappings } from "../../worker/db/schema/integrations.ts";
import { bookingFor, invoiceProblems, mappingProblems, NO_TAX, trackingChoices, type PreflightLine, type XeroSettings } from "../../worker/integrations/xero/mapping-rules.ts";

const SETTINGS: XeroSettings = {
  accounts: [
    { code: "200", name: "Sales", type: "REVENUE", status: "ACTIVE", taxType: "OUTPUT2" },
    { code: "210", name: "Subscriptions", type: "REVENUE", status: "ACTIVE", taxType: "OUTPUT2" },
    { code: "250", name: "Legacy", type: "REVENUE", status: "ARCHIVED", taxType: "OUTPUT2" },
    { code: "404", name: "Bank fees", type: "OVERHEADS", status: "ACTIVE", taxType: "NONE" },
  ],
  taxRates: [
    { taxType: "OUTPUT2", name: "20% (VAT on Income)", status: "ACTIVE", canApplyToRevenue: true, effectiveRate: 20 },
    { taxType: "RROUTPUT", name: "5% (VAT on Income)", status: "ACTIVE", canApplyToRevenue: true, effectiveRate: 5 },
    { taxType: "NONE", name: "No VAT", status: "ACTIVE", canApplyToRevenue: true, effectiveRate: 0 },
    { taxType: "INPUT2", name: "20% (VAT on Expenses)", status: "ACTIVE", canApplyToRevenue: false, effectiveRate: 20 },
    { taxType: "OLDOUTPUT", name: "17.5% (old)", status: "DELETED", canApplyToRevenue: true, effectiveRate: 17.5 },
  ],
  items: [{ code: "PLATFORM", name: "Platform", isSold: true }, { code: "BOUGHT", name: "Bought in", isSold: false }],
  trackingCategories: [
    { name: "Region", status: "ACTIVE", options: [{ name: "UK", status: "ACTIVE" }, { name: "Legacy", status: "ARCHIVED" }] },
    { name: "Old", status: "ARCHIVED", options: [{ name: "Apollo", status: "ACTIVE" }] },
  ],
};

const MAPPINGS: XeroMappings = {
  defaultRevenueAccount: "200",
  paymentAccount: null,
  taxTypes: { txr_vat20: "OUTPUT2", txr_vat5: "RROUTPUT", txr_purchase: "INPUT2", txr_old: "OLDOUTPUT", txr_vat19: "OUTPUT2" },
  products: { prod_platform: { accountCode: "210", itemCode: "PLATFORM" }, prod_archived: { accountCode: "250" }, prod_fee: { accountCode: "404" }, prod_bought: { itemCode: "BOUGHT" } },
};

const line = (extra: Partial<PreflightLine>): PreflightLine => ({ title: "Licence", productId: null, taxRateId: "txr_vat20", taxRate: "20", ...extra });

describe("bookingFor — what the sync sends for a line", () => {
  it.each([
    ["a product's own account and item, its tax rate's type", "prod_platform", "txr_vat20", { accountCode: "210", itemCode: "PLATFORM", taxType: "OUTPUT2" }],
    ["no product: the default account", null, "txr_vat5", { accountCode: "200", taxType: "RROUTPUT" }],
    ["a product without an account of its own: the default", "prod_bought", "txr_vat20", { accountCode: "200", itemCode: "BOUGHT", taxType: "OUTPUT2" }],
    ["no tax in Kontor: Xero's NONE, not the account's default", null, null, { accountCode: "200", taxType: NO_TAX }],
    ["a tax rate with no mapping: no tax type (Xero would apply the account's)", null, "txr_unmapped", { accountCode: "200" }],
  ] as const)("%s", (_, productId, taxRateId, expected) => {
    expect(bookingFor(MAPPINGS, productId, { taxRateId })).toEqual(expected);
  });
});

describe("invoiceProblems — what Xero would refuse or book differently", () => {
  it("lines Xero takes as Kontor computed them: no problem", () => {
    expect(invoiceProblems([line({}), line({ productId: "prod_platform" }), line({ taxRateId: null, taxRate: "0" }), line({ taxRateId: "txr_vat5", taxRate: "5.00" })], MAPPINGS, SETTINGS)).toEqual([]);
  });

  it.each([
    ["an archived account", line({ productId: "prod_archived" }), "lines.0.accountCode", "account 250 is archived in Xero"],
    ["an account that is not revenue", line({ productId: "prod_fee" }), "lines.0.accountCode", "account 404 is not a revenue account in Xero (OVERHEADS)"],
    ["an item not for sale", line({ productId: "prod_bought" }), "lines.0.itemCode", "Xero has no item BOUGHT for sale"],
    ["a tax rate with no Xero tax type", line({ taxRateId: "txr_unmapped" }), "lines.0.taxType", "so Xero would apply account 200's default (OUTPUT2)"],
    ["a purchase tax type on a sale", line({ taxRateId: "txr_purchase" }), "lines.0.taxType", "Xero has no active tax type INPUT2 for sales"],
    ["a deleted tax type", line({ taxRateId: "txr_old" }), "lines.0.taxType", "Xero has no active tax type OLDOUTPUT for sales"],
    ["a tax type whose rate is not the line's", line({ taxRateId: "txr_vat19", taxRate: "19" }), "lines.0.taxType", "Xero's OUTPUT2 is 20 %, Kontor charges 19 %"],
  ])("%s", (_, l, path, message) => {
    const problems = invoiceProblems([l], MAPPINGS, SETTINGS);
    expect(problems.map((p) => p.path)).toEqual([path]);
    expect(problems[0].message).toContain(message);
  });

  it("a missing default account names every line that books to it", () => {
    const problems = invoiceProblems([line({}), line({ productId: "prod_platform" }), line({ title: "Setup" })], { ...MAPPINGS, defaultRevenueAccount: "999" }, SETTINGS);
    expect(problems).toEqual([
      { path: "lines.0.accountCode", message: "Line 1 (Licence): account 999 does not exist in Xero" },
      { path: "lines.2.accountCode", message: "Line 3 (Setup): account 999 does not exist in Xero" },
    ]);
  });

  it("an organisation without NONE: an untaxed line is refused before it is sent", () => {
    const withoutNone = { ...SETTINGS, taxRates: SETTINGS.taxRates.filter((t) => t.taxType !== "NONE") };
    expect(invoiceProblems([line({ taxRateId: null, taxRate: "0" })], MAPPINGS, withoutNone).map((p) => p.message)).toEqual(["Line 1 (Licence): Xero has no active tax type NONE for sales"]);
  });

  it("rates compare as decimals: 20 and 20.000 agree, 8.875 and 8.88 do not", () => {
    const s = { ...SETTINGS, taxRates: [...SETTINGS.taxRates, { taxType: "NYC", name: "NYC", status: "ACTIVE", canApplyToRevenue: true, effectiveRate: 8.875 }] };
    const m = { ...MAPPINGS, taxTypes: { ...MAPPINGS.taxTypes, txr_nyc: "NYC" } };
    expect(invoiceProblems([line({ taxRate: "20.000" }), line({ taxRateId: "txr_nyc", taxRate: "8.875" })], m, s)).toEqual([]);
    expect(invoiceProblems([line({ taxRateId: "txr_nyc", taxRate: "8.88" })], m, s).map((p) => p.path)).toEqual(["lines.0.taxType"]);
  });
});

describe("tracking — one category option on every line", () => {
  const none = { taxRateIds: new Set<string>(), productIds: new Set<string>() };
  const base = { defaultRevenueAccount: "200", paymentAccount: null, taxTypes: {}, products: {} };

  it("offers active categories with their active options only", () => {
    expect(trackingChoices(SETTINGS)).toEqual([{ name: "Region", options: ["UK"] }]);
  });

  it("tags each line the sync sends", () => {
    expect(bookingFor({ ...MAPPINGS, tracking: { category: "Region", option: "UK" } }, null, { taxRateId: "txr_vat20" })).toEqual({ accountCode: "200", taxType: "OUTPUT2", tracking: [{ name: "Region", option: "UK" }] });
  });

  it.each([
    [{ category: "Region", option: "UK" }, []],
    [null, []],
    [{ category: "Region", option: "Legacy" }, ["Xero's tracking category Region has no active option Legacy"]],
    [{ category: "Old", option: "Apollo" }, ["Xero has no active tracking category Old"]],
    [{ category: "Nope", option: "UK" }, ["Xero has no active tracking category Nope"]],
  ])("mappings with tracking %j", (tracking, messages) => {
    const problems = mappingProblems({ ...base, tracking }, SETTINGS, none);
    expect(problems.map((p) => p.message)).toEqual(messages);
    expect(problems.every((p) => p.path === "tracking")).toBe(true);
  });

  it("the preflight warns once, not per line, when the option was archived since", () => {
    const problems = invoiceProblems([line({}), line({})], { ...MAPPINGS, tracking: { category: "Region", option: "Legacy" } }, SETTINGS);
    expect(problems.map((p) => p.path)).toEqual(["tracking"]);
  });
});
