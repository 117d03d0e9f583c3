// Shapes of the HTTP API (API.md). The WebSocket protocol types come from $protocol.

export type EnvironmentName = "local" | "sandbox" | "production";

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Me {
  user: User;
  environment: EnvironmentName;
  environments: Partial<Record<EnvironmentName, string | null>>;
}

export type Role = "admin" | "finance" | "sales" | "approver" | "viewer";

export interface Entity {
  id: string;
  slug: string;
  name: string;
  legalName: string;
  country: string;
  currency: string;
  timezone: string;
  environment: EnvironmentName;
  roles?: Role[];
}

export interface Page<T> {
  items: T[];
  pagination: { after: string | null };
}

export type TaxStatus = "TAXED" | "TAX_EXEMPT" | "REVERSE_CHARGED";
export const TAX_STATUSES: { value: TaxStatus; label: string }[] = [
  { value: "TAXED", label: "Taxed" },
  { value: "TAX_EXEMPT", label: "Tax exempt" },
  { value: "REVERSE_CHARGED", label: "Reverse charge" },
];

export interface Address {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

export interface Customer {
  id: string;
  legalName: string;
  email: string;
  country: string;
  currency: string;
  taxStatus: TaxStatus;
  taxId: string | null;
  address: Address | null;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  rev: number;
}

export interface CustomerInput {
  legalName?: string;
  email?: string;
  country?: string;
  currency?: string;
  taxStatus?: TaxStatus;
  taxId?: string | null;
  address?: Address | null;
}

export interface ErrorDetail {
  path: string;
  message: string;
}
