// What a new Xero organisation holds before anyone syncs to it: a demo company's chart of accounts, tax
// rates and items (after Xero's UK demo company), so mappings and line validation meet realistic data.
import { randomUUID } from "node:crypto";

export interface FakeAccount {
  AccountID: string;
  Code: string;
  Name: string;
  Type: string;
  Status: "ACTIVE" | "ARCHIVED";
  TaxType: string;
  Class: string;
  SystemAccount?: string;
  EnablePaymentsToAccount: boolean;
  BankAccountNumber?: string;
  BankAccountType?: string;
  CurrencyCode?: string;
  UpdatedDateUTC: string;
}

export interface FakeTaxRate {
  Name: string;
  TaxType: string;
  Status: "ACTIVE" | "DELETED";
  ReportTaxType: string;
  CanApplyToAssets: boolean;
  CanApplyToEquity: boolean;
  CanApplyToExpenses: boolean;
  CanApplyToLiabilities: boolean;
  CanApplyToRevenue: boolean;
  DisplayTaxRate: number;
  EffectiveRate: number;
  TaxComponents: { Name: string; Rate: number; IsCompound: boolean; IsNonRecoverable: boolean }[];
}

export interface FakeItem {
  ItemID: string;
  Code: string;
  Name: string;
  Description: string;
  IsSold: boolean;
  IsPurchased: boolean;
  SalesDetails: { UnitPrice: number; AccountCode: string; TaxType: string };
  UpdatedDateUTC: string;
}

export interface FakeTrackingCategory {
  TrackingCategoryID: string;
  Name: string;
  Status: "ACTIVE" | "ARCHIVED";
  Options: { TrackingOptionID: string; Name: string; Status: "ACTIVE" | "ARCHIVED" }[];
}

const CLASS_OF: Record<string, string> = {
  BANK: "ASSET", CURRENT: "ASSET", FIXED: "ASSET", INVENTORY: "ASSET", PREPAYMENT: "ASSET",
  CURRLIAB: "LIABILITY", LIABILITY: "LIABILITY", TERMLIAB: "LIABILITY",
  EQUITY: "EQUITY", REVENUE: "REVENUE", SALES: "REVENUE", OTHERINCOME: "REVENUE",
  DIRECTCOSTS: "EXPENSE", EXPENSE: "EXPENSE", OVERHEADS: "EXPENSE", DEPRECIATN: "EXPENSE",
};

// [code, name, type, default tax type, extra]
const ACCOUNTS: [string, string, string, string, Partial<FakeAccount>?][] = [
  ["090", "Business Bank Account", "BANK", "NONE", { BankAccountNumber: "12-3456-7890123-00", BankAccountType: "BANK" }],
  ["091", "Business Savings Account", "BANK", "NONE", { BankAccountNumber: "12-3456-7890123-01", BankAccountType: "BANK" }],
  ["200", "Sales", "REVENUE", "OUTPUT2"],
  ["210", "Subscription Revenue", "REVENUE", "OUTPUT2"],
  ["220", "Consulting Revenue", "REVENUE", "OUTPUT2"],
  ["250", "Legacy Sales (archived)", "REVENUE", "OUTPUT2", { Status: "ARCHIVED" }],
  ["260", "Other Revenue", "REVENUE", "OUTPUT2"],
  ["270", "Interest Income", "OTHERINCOME", "NONE"],
  ["310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2"],
  ["400", "Advertising", "OVERHEADS", "INPUT2"],
  ["404", "Bank Fees", "OVERHEADS", "NONE"],
  ["429", "General Expenses", "OVERHEADS", "INPUT2"],
  ["610", "Accounts Receivable", "CURRENT", "NONE", { SystemAccount: "DEBTORS" }],
  ["620", "Prepayments", "CURRENT", "NONE"],
  ["800", "Accounts Payable", "CURRLIAB", "NONE", { SystemAccount: "CREDITORS" }],
  ["820", "VAT", "CURRLIAB", "NONE", { SystemAccount: "GST" }],
  ["835", "Revenue Received in Advance", "CURRLIAB", "NONE"],
  ["960", "Retained Earnings", "EQUITY", "NONE", { SystemAccount: "RETAINEDEARNINGS" }],
];

// [name, tax type, report type, rate, revenue, expenses]
const TAX_RATES: [string, string, string, number, boolean, boolean][] = [
  ["20% (VAT on Income)", "OUTPUT2", "OUTPUT", 20, true, false],
  ["5% (VAT on Income)", "RROUTPUT", "OUTPUT", 5, true, false],
  ["Zero Rated Income", "ZERORATEDOUTPUT", "OUTPUT", 0, true, false],
  ["Exempt Income", "EXEMPTOUTPUT", "EXEMPTOUTPUT", 0, true, false],
  ["Zero Rated EC Services", "ECZROUTPUTSERVICES", "ECOUTPUTSERVICES", 0, true, false],
  ["No VAT", "NONE", "NONE", 0, true, true],
  ["20% (VAT on Expenses)", "INPUT2", "INPUT", 20, false, true],
  ["Reverse Charge Expenses (20%)", "REVERSECHARGES", "REVERSECHARGES", 20, false, true],
];

// [code, name, unit price, account, tax type]
const ITEMS: [string, string, number, string, string][] = [
  ["PLATFORM", "Platform subscription (monthly)", 500, "210", "OUTPUT2"],
  ["SEAT", "Additional seat (monthly)", 25, "210", "OUTPUT2"],
  ["ONBOARD", "Onboarding package", 1500, "220", "OUTPUT2"],
  ["CONSULT-HR", "Consulting hour", 150, "220", "OUTPUT2"],
];

export function seedAccounts(updated: string, currency: string): FakeAccount[] {
  return ACCOUNTS.map(([Code, Name, Type, TaxType, extra]) => ({
    AccountID: randomUUID(),
    Code,
    Name,
    Type,
    Status: "ACTIVE",
    TaxType,
    Class: CLASS_OF[Type] ?? "ASSET",
    EnablePaymentsToAccount: false,
    UpdatedDateUTC: updated,
    ...(Type === "BANK" ? { CurrencyCode: currency } : {}),
    ...extra,
  }));
}

export function seedTaxRates(): FakeTaxRate[] {
  return TAX_RATES.map(([Name, TaxType, ReportTaxType, rate, revenue, expenses]) => ({
    Name,
    TaxType,
    Status: "ACTIVE",
    ReportTaxType,
    CanApplyToAssets: expenses,
    CanApplyToEquity: expenses,
    CanApplyToExpenses: expenses,
    CanApplyToLiabilities: expenses,
    CanApplyToRevenue: revenue,
    DisplayTaxRate: rate,
    EffectiveRate: rate,
    TaxComponents: [{ Name: "VAT", Rate: rate, IsCompound: false, IsNonRecoverable: false }],
  }));
}

export function seedItems(updated: string): FakeItem[] {
  return ITEMS.map(([Code, Name, UnitPrice, AccountCode, TaxType]) => ({
    ItemID: randomUUID(),
    Code,
    Name,
    Description: Name,
    IsSold: true,
    IsPurchased: false,
    SalesDetails: { UnitPrice, AccountCode, TaxType },
    UpdatedDateUTC: updated,
  }));
}

// [category, status, options ([name, status])]: Xero allows two active tracking categories.
const TRACKING: [string, "ACTIVE" | "ARCHIVED", [string, "ACTIVE" | "ARCHIVED"][]][] = [
  ["Region", "ACTIVE", [["UK", "ACTIVE"], ["Europe", "ACTIVE"], ["North America", "ACTIVE"], ["Legacy", "ARCHIVED"]]],
  ["Department", "ACTIVE", [["Sales", "ACTIVE"], ["Services", "ACTIVE"]]],
  ["Old Projects", "ARCHIVED", [["Apollo", "ACTIVE"]]],
];

export function seedTrackingCategories(): FakeTrackingCategory[] {
  return TRACKING.map(([Name, Status, options]) => ({
    TrackingCategoryID: randomUUID(),
    Name,
    Status,
    Options: options.map(([option, status]) => ({ TrackingOptionID: randomUUID(), Name: option, Status: status })),
  }));
}
