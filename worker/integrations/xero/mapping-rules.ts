// Whether mappings hold against the organisation's own chart of accounts, tax rates and items, as Xero
// would judge an invoice line (pure: the settings are read from Xero by the caller).
import type { XeroMappings } from "../../db/schema/integrations.ts";
import { Decimal } from "../../domain/decimal.ts";
import type { ErrorDetail } from "../../domain/errors.ts";

export interface XeroAccount {
  code?: string;
  /** The tax type Xero applies to a line of this account that names none. */
  taxType?: string;
  name?: string;
  type?: string;
  status?: string;
  enablePaymentsToAccount?: boolean;
}
export interface XeroTaxRate {
  name?: string;
  taxType?: string;
  status?: string;
  canApplyToRevenue?: boolean;
  effectiveRate?: number;
}
export interface XeroItem {
  code?: string;
  name?: string;
  isSold?: boolean;
}
export interface XeroTrackingCategory {
  name?: string;
  status?: string;
  options?: { name?: string; status?: string }[];
}
export interface XeroSettings {
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
  items: XeroItem[];
  trackingCategories: XeroTrackingCategory[];
}

const REVENUE_TYPES = new Set(["REVENUE", "SALES", "OTHERINCOME"]);
const active = (status: unknown) => String(status ?? "ACTIVE") === "ACTIVE";

export const revenueAccounts = (s: XeroSettings) => s.accounts.filter((a) => a.code && active(a.status) && REVENUE_TYPES.has(String(a.type)));
export const paymentAccounts = (s: XeroSettings) => s.accounts.filter((a) => a.code && active(a.status) && (String(a.type) === "BANK" || a.enablePaymentsToAccount === true));
export const salesTaxRates = (s: XeroSettings) => s.taxRates.filter((t) => t.taxType && active(t.status) && t.canApplyToRevenue !== false);
export const salesItems = (s: XeroSettings) => s.items.filter((i) => i.code && i.isSold !== false);
/** Active categories with their active options: what a line may be tagged with. */
export const trackingChoices = (s: XeroSettings) =>
  s.trackingCategories
    .filter((c) => c.name && active(c.status))
    .map((c) => ({ name: c.name!, options: (c.options ?? []).filter((o) => o.name && active(o.status)).map((o) => o.name!) }));

function trackingProblem(tracking: XeroMappings["tracking"], s: XeroSettings): string | null {
  if (!tracking) return null;
  const category = trackingChoices(s).find((c) => c.name === tracking.category);
  if (!category) return `Xero has no active tracking category ${tracking.category}`;
  if (!category.options.includes(tracking.option)) return `Xero's tracking category ${tracking.category} has no active option ${tracking.option}`;
  return null;
}

export function mappingProblems(m: XeroMappings, s: XeroSettings, known: { taxRateIds: Set<string>; productIds: Set<string> }): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const revenue = new Set(revenueAccounts(s).map((a) => a.code));
  const anyAccount = new Map(s.accounts.map((a) => [a.code, a]));
  const revenueProblem = (path: string, code: string) => {
    if (revenue.has(code)) return;
    const found = anyAccount.get(code);
    problems.push({ path, message: !found ? `Xero has no account ${code}` : !active(found.status) ? `Xero's account ${code} is archived` : `Xero's account ${code} (${found.type}) is not a revenue account` });
  };
  revenueProblem("defaultRevenueAccount", m.defaultRevenueAccount);
  if (m.paymentAccount !== null && !paymentAccounts(s).some((a) => a.code === m.paymentAccount)) {
    problems.push({ path: "paymentAccount", message: `Xero's account ${m.paymentAccount} does not exist, is archived, or does not take payments (a bank account does)` });
  }
  const taxTypes = new Set(salesTaxRates(s).map((t) => t.taxType));
  for (const [taxRateId, taxType] of Object.entries(m.taxTypes)) {
    if (!known.taxRateIds.has(taxRateId)) problems.push({ path: `taxTypes.${taxRateId}`, message: `No tax rate ${taxRateId} in this entity` });
    else if (!taxTypes.has(taxType)) problems.push({ path: `taxTypes.${taxRateId}`, message: `Xero has no active tax type ${taxType} for sales` });
  }
  const tracking = trackingProblem(m.tracking, s);
  if (tracking) problems.push({ path: "tracking", message: tracking });
  const items = new Set(salesItems(s).map((i) => i.code));
  for (const [productId, product] of Object.entries(m.products)) {
    if (!known.productIds.has(productId)) {
      problems.push({ path: `products.${productId}`, message: `No product ${productId} in this entity` });
      continue;
    }
    if (product.accountCode !== undefined) revenueProblem(`products.${productId}.accountCode`, product.accountCode);
    if (product.itemCode !== undefined && !items.has(product.itemCode)) problems.push({ path: `products.${productId}.itemCode`, message: `Xero has no item ${product.itemCode} for sale` });
  }
  return problems;
}

/** Xero's tax type for lines Kontor charges no tax on: without one, Xero would apply the account's default. */
export const NO_TAX = "NONE";

/** Account, item and tax type of a Kontor line as the sync sends it: the product's own, else the default. */
export function bookingFor(
  m: XeroMappings,
  productId: string | null,
  line: { taxRateId: string | null },
): { accountCode: string; itemCode?: string; taxType?: string; tracking?: { name: string; option: string }[] } {
  const product = productId ? m.products[productId] : undefined;
  const taxType = line.taxRateId ? m.taxTypes[line.taxRateId] : NO_TAX;
  return {
    accountCode: product?.accountCode ?? m.defaultRevenueAccount,
    ...(product?.itemCode ? { itemCode: product.itemCode } : {}),
    ...(taxType ? { taxType } : {}),
    ...(m.tracking ? { tracking: [{ name: m.tracking.category, option: m.tracking.option }] } : {}),
  };
}

/** A line of an invoice about to be final, as the preflight judges it. */
export interface PreflightLine {
  title: string;
  productId: string | null;
  taxRateId: string | null;
  /** The Kontor tax rate's name, as the people fixing the mapping know it. */
  taxRateName?: string;
  /** The percentage Kontor charges ("0" when exempt or reverse charged). */
  taxRate: string;
}

const rateText = (rate: unknown) => (typeof rate === "number" && Number.isFinite(rate) ? String(rate) : null);

/**
 * What Xero would refuse, or book differently from Kontor, in these lines (paths `lines.<i>.…`): an
 * account that is missing, archived or not revenue; an item not for sale; a Kontor tax rate with no
 * Xero tax type (Xero would apply the account's default); a tax type Xero lacks; or one whose rate is
 * not the line's (Xero would compute another tax). Pure: the caller reads the settings from Xero.
 */
export function invoiceProblems(lines: PreflightLine[], m: XeroMappings, s: XeroSettings): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const tracking = trackingProblem(m.tracking, s);
  if (tracking) problems.push({ path: "tracking", message: `${tracking}: every line is tagged with it — choose another under Integrations` });
  const accounts = new Map(s.accounts.filter((a) => a.code).map((a) => [a.code!, a]));
  const revenue = new Set(revenueAccounts(s).map((a) => a.code));
  const items = new Set(salesItems(s).map((i) => i.code));
  const taxTypes = new Map(salesTaxRates(s).map((t) => [t.taxType!, t]));
  lines.forEach((line, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    const named = `Line ${i + 1} (${line.title})`;
    const booking = bookingFor(m, line.productId, line);
    if (!revenue.has(booking.accountCode)) {
      const found = accounts.get(booking.accountCode);
      const why = !found ? "does not exist in Xero" : !active(found.status) ? "is archived in Xero" : `is not a revenue account in Xero (${found.type})`;
      problems.push({ path: at("accountCode"), message: `${named}: account ${booking.accountCode} ${why}` });
    }
    if (booking.itemCode !== undefined && !items.has(booking.itemCode)) problems.push({ path: at("itemCode"), message: `${named}: Xero has no item ${booking.itemCode} for sale` });
    if (booking.taxType === undefined) {
      const fallback = accounts.get(booking.accountCode)?.taxType;
      problems.push({ path: at("taxType"), message: `${named}: Kontor's tax rate ${line.taxRateName ? `"${line.taxRateName}"` : line.taxRateId} has no Xero tax type mapped, so Xero would apply ${fallback ? `account ${booking.accountCode}'s default (${fallback})` : "the account's default"} — map it under Integrations` });
      return;
    }
    const rate = taxTypes.get(booking.taxType);
    if (!rate) {
      problems.push({ path: at("taxType"), message: `${named}: Xero has no active tax type ${booking.taxType} for sales` });
      return;
    }
    const xeroRate = rateText(rate.effectiveRate);
    if (xeroRate !== null && !new Decimal(xeroRate).eq(new Decimal(line.taxRate))) {
      problems.push({ path: at("taxType"), message: `${named}: Xero's ${booking.taxType} is ${xeroRate} %, Kontor charges ${line.taxRate} % — Xero would book a different tax` });
    }
  });
  return problems;
}
