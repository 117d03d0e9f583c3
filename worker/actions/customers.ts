// The customer lifecycle: create, update, archive (API.md "customers").
import * as db from "../db/customers.ts";
import type { Customer, CustomerInput, CustomerPatch } from "../db/customers.ts";
import type { Page } from "../db/paging.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { assertRev, changeSetOf, commit, retryOn, type ActionContext } from "./context.ts";

/** The customer a quote or an invoice is for: of this entity, live, billed in its currency. */
export async function billableCustomer(database: D1Database, customerId: string, currency: string): Promise<Customer> {
  return billable(await db.getCustomer(database, customerId), currency);
}

/** `billableCustomer` for a customer already read. */
export function billable(customer: Customer | null | undefined, currency: string): Customer {
  if (!customer) throw notFound("Customer", [{ path: "customerId", message: "No such customer in this entity" }]);
  if (customer.archivedAt) throw new DomainError("customer_archived", "The customer is archived", [{ path: "customerId", message: "archived" }]);
  if (customer.currency !== currency) {
    throw new DomainError("currency_mismatch", `The customer is billed in ${customer.currency}, not ${currency}`, [{ path: "currency", message: `must be ${customer.currency}` }]);
  }
  return customer;
}

export async function get(ctx: ActionContext, id: string): Promise<Customer> {
  const customer = await db.getCustomer(ctx.db, id);
  if (!customer) throw notFound("Customer");
  return customer;
}

export function list(ctx: ActionContext, query: { limit: number; after?: string; q?: string; includeArchived?: boolean }): Promise<Page<Customer>> {
  return db.listCustomers(ctx.db, query);
}

/** A customer is billed in the entity's currency unless it says otherwise. */
export function create(ctx: ActionContext, input: Omit<CustomerInput, "currency"> & { currency?: string }): Promise<Customer> {
  const changes = changeSetOf(ctx);
  const customer = db.createCustomer(changes, { ...input, currency: input.currency ?? ctx.entity.currency });
  return commit(ctx, changes, customer);
}

/** With `expectedRev` a newer revision is a conflict; without it the patch applies to the latest one. */
export function update(ctx: ActionContext, id: string, patch: CustomerPatch, expectedRev?: number): Promise<Customer> {
  const attempt = async () => {
    const before = await get(ctx, id);
    assertRev(before, expectedRev, "Customer");
    if (before.archivedAt) throw new DomainError("invalid_state", "An archived customer cannot be changed");
    const merged = { ...before, ...patch };
    if (merged.taxStatus === "REVERSE_CHARGED" && !merged.taxId) {
      throw new DomainError("invalid_request", "A reverse-charged customer needs its tax id", [{ path: "taxId", message: "required when taxStatus is REVERSE_CHARGED" }]);
    }
    const changes = changeSetOf(ctx);
    return commit(ctx, changes, db.updateCustomer(changes, before, patch));
  };
  return expectedRev === undefined ? retryOn("rev_conflict", attempt) : attempt();
}

export async function archive(ctx: ActionContext, id: string): Promise<Customer> {
  const before = await get(ctx, id);
  if (before.archivedAt) throw new DomainError("invalid_state", "Customer is already archived");
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, db.archiveCustomer(changes, before));
}

/** Undo an archive: the customer is live again. */
export async function unarchive(ctx: ActionContext, id: string): Promise<Customer> {
  const before = await get(ctx, id);
  if (!before.archivedAt) throw new DomainError("invalid_state", "Customer is not archived");
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, db.unarchiveCustomer(changes, before));
}
