// The lifecycle actions called directly, as a cron trigger or a queue consumer will call them: no
// HTTP, no session, a system actor. They write the same rows and events as the routes do.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActionContext } from "../../worker/actions/context.ts";
import * as catalog from "../../worker/actions/catalog.ts";
import * as customers from "../../worker/actions/customers.ts";
import * as quotes from "../../worker/actions/quotes.ts";
import * as tasks from "../../worker/actions/tasks.ts";
import { ChangeSet } from "../../worker/db/changes.ts";
import { createPrice } from "../../worker/db/catalog.ts";
import { findEntity } from "../../worker/db/control.ts";
import { DomainError } from "../../worker/domain/errors.ts";
import type { EntityRecord } from "../../worker/env.ts";
import type { EntityEvent } from "../../party/protocol.ts";
import { ApiClient, unique } from "../support/client.ts";

const SYSTEM = { type: "system" as const, id: "cron", name: "Billing cron" };
let entity: EntityRecord;
const db = () => env.ENTITY_ACME_US;

/** A context the way a cron trigger builds one, collecting what it would publish. */
function cronContext(published: EntityEvent[] = []): ActionContext {
  return { entity, db: db(), actor: SYSTEM, requestId: null, origin: null, publish: (events) => void published.push(...events) };
}

const rowsOf = async (sql: string, ...params: unknown[]) => (await db().prepare(sql).bind(...params).all<Record<string, unknown>>()).results;

beforeAll(async () => {
  entity = (await findEntity(env.CONTROL, "acme-us", "local"))!;
});

describe("actions called without HTTP", () => {
  it("a customer's create, update and archive write their rows, events and audit rows", async () => {
    const published: EntityEvent[] = [];
    const ctx = cronContext(published);
    const created = await customers.create(ctx, { legalName: unique("Cron customer"), email: "cron@example.test", country: "US", taxStatus: "TAXED" });
    expect(created).toMatchObject({ currency: "USD", rev: 1 }); // the entity's currency by default
    const updated = await customers.update(ctx, created.id, { email: "cron2@example.test" }, 1);
    expect(updated).toMatchObject({ email: "cron2@example.test", rev: 2 });
    await expect(customers.update(ctx, created.id, { email: "x@example.test" }, 1)).rejects.toMatchObject({ code: "rev_conflict" });
    await expect(customers.update(ctx, created.id, { taxStatus: "REVERSE_CHARGED" })).rejects.toMatchObject({ code: "invalid_request", details: [{ path: "taxId" }] });
    const archived = await customers.archive(ctx, created.id);
    expect(archived.archivedAt).not.toBeNull();
    await expect(customers.archive(ctx, created.id)).rejects.toBeInstanceOf(DomainError);

    expect(published.map((e) => e.kind)).toEqual(["customer.created", "customer.updated", "customer.archived"]);
    expect(published.every((e) => e.actor.id === "cron" && e.subject.id === created.id)).toBe(true);
    const events = await rowsOf("SELECT kind, actor FROM events WHERE subject_id = ? ORDER BY seq", created.id);
    expect(events.map((e) => e.kind)).toEqual(["customer.created", "customer.updated", "customer.archived"]);
    const audit = await rowsOf("SELECT action, request_id FROM audit_log WHERE subject_id = ? ORDER BY at, action", created.id);
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.request_id === null)).toBe(true);
  });

  it("a refused action writes nothing", async () => {
    const before = await rowsOf("SELECT MAX(seq) AS seq FROM events");
    await expect(quotes.create(cronContext(), { customerId: "cus_missing", title: "x", currency: "USD", dealType: "NEW_BUSINESS", lines: [] })).rejects.toMatchObject({
      code: "not_found",
      details: [{ path: "customerId" }],
    });
    await expect(quotes.create(cronContext(), { customerId: "cus_missing", title: "x", currency: "usd", dealType: "NEW_BUSINESS", lines: [] })).rejects.toMatchObject({
      code: "invalid_request",
      details: [{ path: "currency" }],
    });
    expect(await rowsOf("SELECT MAX(seq) AS seq FROM events")).toEqual(before);
  });

  it("a quote created by an action has the same rows and events as one created by the route", async () => {
    const sales = await ApiClient.signIn("sales@acme.test");
    const customer = (await sales.post("/api/v1/entities/acme-us/customers", { legalName: unique("Same rows"), email: "same@example.test", country: "US" })).body;
    const input = {
      customerId: customer.id,
      title: "Same rows",
      currency: "USD",
      dealType: "NEW_BUSINESS" as const,
      expiryDays: 14,
      notes: "n",
      lines: [
        { id: "ln_same_1", priceId: "price_us_platform_monthly", quantity: "2", discount: { type: "PERCENTAGE" as const, value: "10" } },
        { id: "ln_same_2", priceId: "price_us_onboarding_once", quantity: "1" },
      ],
    };
    const viaRoute = (await sales.post("/api/v1/entities/acme-us/quotes", input)).body;
    const published: EntityEvent[] = [];
    const viaAction = await quotes.create(cronContext(published), input);

    const volatile = new Set(["id", "quote_number", "created_at", "updated_at", "quote_id"]);
    const stable = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !volatile.has(k))));
    const quoteRow = (id: string) => rowsOf("SELECT * FROM quotes WHERE id = ?", id);
    const lineRows = (id: string) => rowsOf("SELECT * FROM quote_lines WHERE quote_id = ? ORDER BY position", id);
    expect(stable(await quoteRow(viaAction.id))).toEqual(stable(await quoteRow(viaRoute.id)));
    expect(stable(await lineRows(viaAction.id))).toEqual(stable(await lineRows(viaRoute.id)));
    expect(Number(viaAction.quoteNumber.slice(1))).toBe(Number(viaRoute.quoteNumber.slice(1)) + 1);

    const eventOf = async (id: string) => (await rowsOf("SELECT kind, data FROM events WHERE subject_id = ? ORDER BY seq", id)).map((e) => ({ kind: e.kind, data: JSON.parse(String(e.data)) }));
    const [routeEvents, actionEvents] = [await eventOf(viaRoute.id), await eventOf(viaAction.id)];
    expect(actionEvents.map((e) => e.kind)).toEqual(routeEvents.map((e) => e.kind));
    const comparable = (q: Record<string, unknown>) => ({ ...q, id: undefined, quoteNumber: undefined, createdAt: undefined, updatedAt: undefined });
    expect(comparable(actionEvents[0].data.quote)).toEqual(comparable(routeEvents[0].data.quote));
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ kind: "quote.created", actor: SYSTEM, subject: { type: "quote", id: viaAction.id } });
  });

  it("a quote's lifecycle runs without HTTP: revise, submit, publish, accept", async () => {
    const ctx = cronContext();
    const customer = await customers.create(ctx, { legalName: unique("Lifecycle"), email: "life@example.test", country: "US", taxStatus: "TAXED" });
    const draft = await quotes.create(ctx, { customerId: customer.id, title: "Lifecycle", currency: "USD", dealType: "NEW_BUSINESS", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] });
    await expect(quotes.revise(ctx, draft.id, { title: "stale" }, draft.rev + 1)).rejects.toMatchObject({ code: "rev_conflict" });
    const revised = await quotes.revise(ctx, draft.id, { lines: [{ priceId: "price_us_platform_monthly", quantity: "3" }] });
    expect(revised.totals.total).toBe("3750.00");
    await expect(quotes.revise(ctx, draft.id, { lines: [{ priceId: "price_us_platform_monthly", quantity: "-1" }] })).rejects.toMatchObject({ code: "invalid_request", details: [{ path: "lines.0.quantity" }] });
    const submitted = await tasks.submit({ control: env.CONTROL, environment: "local" }, ctx, draft.id);
    expect(submitted.approvalStatus).toBe("NOT_REQUIRED");
    const published = await quotes.publish(ctx, draft.id);
    expect(published.status).toBe("PUBLISHED");
    expect(published.publicUrl).toBeNull(); // no origin outside a request
    const token = (await rowsOf("SELECT public_token FROM quotes WHERE id = ?", draft.id))[0].public_token as string;
    const buyer = { name: "Dana", email: "dana@example.test" };
    const accepted = await quotes.accept({ ...ctx, actor: quotes.customerActor(buyer) }, token, buyer);
    expect(accepted).toMatchObject({ status: "ACCEPTED", acceptedBy: buyer });
    await expect(quotes.revise(ctx, draft.id, { title: "late" })).rejects.toMatchObject({ code: "quote_not_editable" });
    const kinds = (await rowsOf("SELECT kind FROM events WHERE subject_id = ? ORDER BY seq", draft.id)).map((e) => e.kind);
    expect(kinds).toEqual(["quote.created", "quote.updated", "quote.submitted", "quote.published", "quote.accepted"]);
  });
});

describe("archiving a product", () => {
  async function productWithPrices(count: number) {
    const ctx = cronContext();
    const product = await catalog.createProduct(ctx, { name: unique("Many prices") });
    // Written straight to D1 in one batch: the route would take a request per price.
    const changes = new ChangeSet(db(), SYSTEM, null);
    for (let i = 0; i < count; i++) {
      createPrice(changes, { productId: product.id, name: `Tier ${i}`, currency: "USD", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: `${i + 1}.00` } });
    }
    await changes.commit();
    return product;
  }
  const livePrices = async (productId: string) => (await rowsOf("SELECT id FROM prices WHERE product_id = ? AND archived_at IS NULL", productId)).length;

  it("archives every live price with it, however many, in the same batch", async () => {
    const product = await productWithPrices(130);
    const published: EntityEvent[] = [];
    await catalog.archiveProduct(cronContext(published), product.id);
    expect(await livePrices(product.id)).toBe(0);
    expect(published.filter((e) => e.kind === "price.archived")).toHaveLength(130);
    expect(published.filter((e) => e.kind === "product.archived")).toHaveLength(1);
    expect(new Set(published.map((e) => e.at)).size).toBe(1); // one batch
  });

  it("a price created between the read and the write is archived too (the batch is refused and read again)", async () => {
    const product = await productWithPrices(3);
    let sneaked = false;
    const ctx: ActionContext = {
      ...cronContext(),
      beforeCommit: async () => {
        if (sneaked) return;
        sneaked = true;
        const late = new ChangeSet(db(), SYSTEM, null);
        createPrice(late, { productId: product.id, name: "Late", currency: "USD", billingFrequency: "MONTHLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "9.00" } });
        await late.commit();
      },
    };
    await catalog.archiveProduct(ctx, product.id);
    expect(sneaked).toBe(true);
    expect(await livePrices(product.id)).toBe(0);
    const archivedEvents = await rowsOf("SELECT COUNT(*) AS n FROM events WHERE kind = 'price.archived' AND json_extract(data, '$.price.productId') = ?", product.id);
    expect(archivedEvents[0].n).toBe(4);
  });
});
