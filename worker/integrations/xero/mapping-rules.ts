// Whether mappings hold against the organisation's own chart of accounts, tax rates and items, as Xero
// would judge an invoice line (pure: the settings are read from Xero by the caller).
import type { XeroMappings } from "../../db/schema/integrations.ts";
import type { ErrorDetail } from "../../domain/errors.ts";

export interface XeroAccount {
  code?: string;
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
export interface XeroSettings {
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
  items: XeroItem[];
}

const REVENUE_TYPES = new Set(["REVENUE", "SALES", "OTHERINCOME"]);
const active = (status: unknown) => String(status ?? "ACTIVE") === "ACTIVE";

export const revenueAccounts = (s: XeroSettings) => s.accounts.filter((a) => a.code && active(a.status) && REVENUE_TYPES.has(String(a.type)));
export const paymentAccounts = (s: XeroSettings) => s.accounts.filter((a) => a.code && active(a.status) && (String(a.type) === "BANK" || a.enablePaymentsToAccount === true));
export const salesTaxRates = (s: XeroSettings) => s.taxRates.filter((t) => t.taxType && active(t.status) && t.canApplyToRevenue !== false);
export const salesItems = (s: XeroSettings) => s.items.filter((i) => i.code && i.isSold !== false);

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
