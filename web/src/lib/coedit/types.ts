// Shapes of the quotes API (API.md "quotes", "public quote") as the web app reads them.
import type { Discount, LineAmounts, QuoteTotals } from "../../../../worker/domain/quote.ts";

export type { Discount, LineAmounts, QuoteTotals };

export type QuoteStatus = "DRAFT" | "PUBLISHED" | "ACCEPTED" | "EXECUTED";
export type ApprovalStatus = "NOT_REQUIRED" | "PENDING" | "APPROVED" | "REJECTED";
export type DealType = "NEW_BUSINESS" | "RENEWAL";
export type BillingFrequency = "ONE_TIME" | "MONTHLY" | "QUARTERLY" | "HALF_YEARLY" | "YEARLY";

export interface QuoteLineView {
  id: string;
  position: string;
  priceId: string;
  productId: string | null;
  name: string | null;
  pricingType: string | null;
  billingFrequency: string | null;
  quantity: string;
  discount: Discount | null;
  description: string | null;
  amounts: LineAmounts;
}

export interface Quote {
  id: string;
  quoteNumber: string;
  customerId: string;
  title: string;
  currency: string;
  dealType: DealType;
  expiryDays: number | null;
  expiresAt: string | null;
  notes: string | null;
  status: QuoteStatus;
  approvalStatus: ApprovalStatus;
  version: number;
  publishedVersion: number | null;
  publishedAt: string | null;
  publicUrl: string | null;
  acceptedAt: string | null;
  acceptedBy: { name: string; email: string } | null;
  archivedAt: string | null;
  billingScheduleId?: string | null;
  rev: number;
  lines: QuoteLineView[];
  totals: QuoteTotals;
  createdAt: string;
  updatedAt: string;
}

export interface QuoteLineInput {
  id?: string;
  priceId: string;
  quantity: string;
  discount?: Discount | null;
  description?: string | null;
}

export interface QuoteCreateInput {
  customerId: string;
  title: string;
  currency: string;
  dealType?: DealType;
  expiryDays?: number | null;
  notes?: string | null;
  lines: QuoteLineInput[];
}

export interface Price {
  id: string;
  productId: string;
  name: string;
  currency: string;
  billingFrequency: string;
  billingType: string;
  pricingType: string;
  structure: Record<string, unknown>;
  archivedAt: string | null;
}

export interface Product {
  id: string;
  name: string;
  description?: string | null;
  archivedAt?: string | null;
}

/** GET /api/v1/public/quotes/{token}: the published document plus its state. */
export interface PublicQuote {
  quoteNumber: string;
  title: string;
  currency: string;
  dealType: DealType;
  version: number;
  publishedAt: string | null;
  expiresAt: string | null;
  notes: string | null;
  seller: { name: string; legalName: string; country: string };
  customer: { legalName: string; email: string };
  lines: {
    id: string;
    name: string | null;
    description: string | null;
    pricingType: string | null;
    billingFrequency: string | null;
    quantity: string;
    discount: Discount | null;
    amounts: LineAmounts;
  }[];
  totals: QuoteTotals;
  status: QuoteStatus;
  revising: boolean;
  expired: boolean;
  acceptable: boolean;
  acceptedAt: string | null;
  acceptedBy: { name: string; email: string } | null;
}
