// Customers of one entity: reads, and the change rows of create / update / archive.
import { and, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { setArchived } from "./archive.ts";
import { newId } from "../lib/crypto.ts";
import { allOf, contains, orm, preparedFor, type Orm } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { customers } from "./schema/entity.ts";

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

/** A customer as the API shows it: its row, without the search column. */
export type Customer = Omit<typeof customers.$inferSelect, "search">;
export const { search: _search, ...customerColumns } = getTableColumns(customers);

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

const searchText = (c: { legalName: string; email: string }) => `${c.legalName} ${c.email}`.toLowerCase();

// Read on every customer request and every quote change: prepared once per database.
const customerById = (d: Orm) => d.select(customerColumns).from(customers).where(eq(customers.id, sql.placeholder("id"))).prepare();
const customerByIdCache = new WeakMap<D1Database, ReturnType<typeof customerById>>();

export async function getCustomer(db: D1Database, id: string): Promise<Customer | null> {
  return (await preparedFor(customerByIdCache, db, customerById).get({ id })) ?? null;
}

export async function listCustomers(
  db: D1Database,
  options: { limit: number; after?: string; q?: string; includeArchived?: boolean },
): Promise<Page<Customer>> {
  return page(customers.id, options, (cursor, take) =>
    orm(db)
      .select(customerColumns)
      .from(customers)
      .where(allOf(cursor, !options.includeArchived && isNull(customers.archivedAt), options.q && contains(customers.search, options.q)))
      .orderBy(desc(customers.id))
      .limit(take),
  );
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
    .add(changes.orm.insert(customers).values({ ...customer, search: searchText(customer) }))
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
  const { id: _id, createdAt: _createdAt, archivedAt: _archivedAt, rev: _rev, ...fields } = after;
  changes
    .guard(
      changes.orm
        .update(customers)
        .set({ ...fields, taxId: fields.taxId ?? null, address: fields.address ?? null, contacts: fields.contacts ?? [], search: searchText(after), rev: sql`${customers.rev} + 1` })
        .where(and(eq(customers.id, before.id), eq(customers.rev, before.rev), isNull(customers.archivedAt))),
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

export const archiveCustomer = (changes: ChangeSet, before: Customer): Customer => setArchived(changes, customers, "customer", before, true);
export const unarchiveCustomer = (changes: ChangeSet, before: Customer): Customer => setArchived(changes, customers, "customer", before, false);

export const UNUSABLE_CUSTOMER = "customer_unusable";

/** A condition for a batch guard: SQL that is true or false, and its parameters in order. */
export interface GuardCondition {
  sql: string;
  params: unknown[];
}

/** True while the customer exists here, is live and is billed in `currency`. */
export const usableCustomer = (customerId: string, currency: string): GuardCondition => ({
  sql: "EXISTS (SELECT 1 FROM customers WHERE id = ? AND archived_at IS NULL AND currency = ?)",
  params: [customerId, currency],
});

/** Abort the batch unless the customer exists here, is live and is billed in `currency`. */
export function requireUsableCustomer(changes: ChangeSet, customerId: string, currency: string) {
  requireAll(changes, [usableCustomer(customerId, currency)], UNUSABLE_CUSTOMER, "The customer cannot take this quote");
}

/** ONE guard statement for several conditions (a batch cannot say which guard failed anyway). */
export function requireAll(changes: ChangeSet, conditions: GuardCondition[], code: string, message: string) {
  changes.require(`SELECT ${conditions.map((c) => `(${c.sql})`).join(" AND ")}`, conditions.flatMap((c) => c.params), code, message);
}
