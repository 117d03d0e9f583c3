// Customers of one entity: reads, and the change rows of create / update / archive.
import type { ChangeSet } from "./changes.ts";
import { newId } from "../lib/crypto.ts";
import { containing, pageOf, type Page } from "./paging.ts";

export const TAX_STATUSES = ["TAXED", "TAX_EXEMPT", "REVERSE_CHARGED"] as const;
export type TaxStatus = (typeof TAX_STATUSES)[number];

export interface Address {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

export interface Contact {
  name: string;
  email: string;
  role?: string | null;
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
  contacts: Contact[];
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  rev: number;
}

export interface CustomerInput {
  legalName: string;
  email: string;
  country: string;
  currency: string;
  taxStatus: TaxStatus;
  taxId?: string | null;
  address?: Address | null;
  contacts?: Contact[];
}

export type CustomerPatch = Partial<CustomerInput>;

interface CustomerRow {
  id: string;
  legal_name: string;
  email: string;
  country: string;
  currency: string;
  tax_status: TaxStatus;
  tax_id: string | null;
  address: string | null;
  contacts: string;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  rev: number;
}

function customerFromRow(row: CustomerRow): Customer {
  return {
    id: row.id,
    legalName: row.legal_name,
    email: row.email,
    country: row.country,
    currency: row.currency,
    taxStatus: row.tax_status,
    taxId: row.tax_id,
    address: row.address ? (JSON.parse(row.address) as Address) : null,
    contacts: JSON.parse(row.contacts) as Contact[],
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    rev: row.rev,
  };
}

const searchText = (c: { legalName: string; email: string }) => `${c.legalName} ${c.email}`.toLowerCase();

export async function getCustomer(db: D1Database, id: string): Promise<Customer | null> {
  const row = await db.prepare("SELECT * FROM customers WHERE id = ?").bind(id).first<CustomerRow>();
  return row ? customerFromRow(row) : null;
}

export async function listCustomers(
  db: D1Database,
  options: { limit: number; after?: string; q?: string; includeArchived?: boolean },
): Promise<Page<Customer>> {
  const page = await pageOf<CustomerRow>(db, "customers", {
    limit: options.limit,
    after: options.after,
    filters: [!options.includeArchived && { sql: "archived_at IS NULL" }, options.q && containing("search", options.q)],
  });
  return { items: page.items.map(customerFromRow), after: page.after };
}

export function createCustomer(changes: ChangeSet, input: CustomerInput, id = newId("cus")): Customer {
  const customer: Customer = {
    id,
    legalName: input.legalName,
    email: input.email,
    country: input.country,
    currency: input.currency,
    taxStatus: input.taxStatus,
    taxId: input.taxId ?? null,
    address: input.address ?? null,
    contacts: input.contacts ?? [],
    archivedAt: null,
    createdAt: changes.at,
    updatedAt: changes.at,
    rev: 1,
  };
  changes
    .add(
      changes.db
        .prepare(
          `INSERT INTO customers (id, legal_name, email, country, currency, tax_status, tax_id, address, contacts, search, created_at, updated_at, rev)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .bind(
          customer.id,
          customer.legalName,
          customer.email,
          customer.country,
          customer.currency,
          customer.taxStatus,
          customer.taxId,
          customer.address ? JSON.stringify(customer.address) : null,
          JSON.stringify(customer.contacts),
          searchText(customer),
          customer.createdAt,
          customer.updatedAt,
        ),
    )
    .record({ kind: "customer.created", subject: { type: "customer", id }, data: { customer }, after: customer });
  return customer;
}

/** Guarded on the revision the caller saw: a concurrent change makes this a 409 with nothing written. */
export function updateCustomer(changes: ChangeSet, before: Customer, patch: CustomerPatch): Customer {
  const after: Customer = {
    ...before,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    updatedAt: changes.at,
    rev: before.rev + 1,
  } as Customer;
  changes
    .guard(
      changes.db
        .prepare(
          `UPDATE customers SET legal_name = ?, email = ?, country = ?, currency = ?, tax_status = ?, tax_id = ?, address = ?,
                  contacts = ?, search = ?, updated_at = ?, rev = rev + 1
            WHERE id = ? AND rev = ? AND archived_at IS NULL`,
        )
        .bind(
          after.legalName,
          after.email,
          after.country,
          after.currency,
          after.taxStatus,
          after.taxId ?? null,
          after.address ? JSON.stringify(after.address) : null,
          JSON.stringify(after.contacts ?? []),
          searchText(after),
          after.updatedAt,
          before.id,
          before.rev,
        ),
      "rev_conflict",
      `Customer ${before.id} changed since revision ${before.rev}; reload and try again`,
    )
    .record({
      kind: "customer.updated",
      subject: { type: "customer", id: before.id },
      data: { customer: after, changed: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined) },
      before,
      after,
    });
  return after;
}

export function archiveCustomer(changes: ChangeSet, before: Customer): Customer {
  const after: Customer = { ...before, archivedAt: changes.at, updatedAt: changes.at, rev: before.rev + 1 };
  changes
    .guard(
      changes.db
        .prepare("UPDATE customers SET archived_at = ?, updated_at = ?, rev = rev + 1 WHERE id = ? AND rev = ? AND archived_at IS NULL")
        .bind(changes.at, changes.at, before.id, before.rev),
      "rev_conflict",
      `Customer ${before.id} changed while archiving; reload and try again`,
    )
    .record({ kind: "customer.archived", subject: { type: "customer", id: before.id }, data: { customer: after }, before, after });
  return after;
}
