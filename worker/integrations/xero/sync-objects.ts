// One chunk (up to 50) of one kind of object, sent to Xero in one request through xero-node's AccountingApi
// (summarizeErrors=false: Xero answers per object, and one refused object does not stop the others).
// Each write carries an Idempotency-Key made of the entity, the operation, and each object's id, version
// and known Xero id, so a replayed request is answered from Xero's record instead of written twice; a
// chunk sent again after a timeout or 5xx (`lookup`) first finds objects Xero already has by their number.
import type { AccountingApi } from "xero-node/dist/gen/api/accountingApi.js";
import { productOfPrices } from "../../db/catalog.ts";
import { loadCreditNote, type StoredCreditNote } from "../../db/credit-notes.ts";
import { loadInvoice, type StoredInvoice } from "../../db/invoices.ts";
import type { XeroMappings } from "../../db/schema/integrations.ts";
import { compareMoney, subtractMoney } from "../../domain/money.ts";
import type { EntityRecord, Env } from "../../env.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { callXero } from "./client.ts";
import { bookingFor } from "./mapping-rules.ts";
import type { SyncObjectType } from "./sync-queue.ts";
import { AMOUNT_DECIMALS, InexactAmount, UNIT_DECIMALS, wireLine, wireNumber } from "./wire.ts";

export const CHUNK_SIZE = 50;
/** Customers matched per GET Contacts (three `where` clauses each). */
export const LOOKUP_SIZE = 10;
/** Contacts per page when the organisation's contacts are read whole (Xero's largest page). */
export const DIRECTORY_PAGE = 1000;

export interface PendingObject {
  type: SyncObjectType;
  id: string;
  xeroId: string | null;
  error: string | null;
  updatedAt: string;
}

/**
 * What became of one object: SYNCED with its Xero id, FAILED with Xero's (or our) reason, or — `skipped` —
 * nothing to send at all (its row goes: the object is not in Xero and will not be).
 */
export interface Outcome {
  object: PendingObject;
  xeroId: string | null;
  error: string | null;
  skipped?: string;
}

export interface ChunkContext {
  env: Env;
  entity: EntityRecord;
  db: D1Database;
  mappings: XeroMappings | null;
  /** Look objects up by number before writing (a retry: an earlier attempt may have reached Xero). */
  lookup: boolean;
  /** Contacts of this pass with no ContactID known: how many customers must be matched. */
  unmatchedContacts: number;
  /** The organisation's contacts, read once for the pass (null: matched by lookups instead; undefined: not decided). */
  directory?: XeroContact[] | null;
}

type XeroContact = NonNullable<Awaited<ReturnType<AccountingApi["getContacts"]>>["body"]["contacts"]>[number];

type Api = AccountingApi;
type Arg<M extends keyof Api, N extends number> = Api[M] extends (...args: infer P) => unknown ? P[N] : never;

/**
 * Deterministic: the same objects at the same versions, for the same operation, with the same content
 * (mappings can change what is sent at one version), give the same key — so a resend is Xero's replay.
 */
export async function idempotencyKey(entity: EntityRecord, operation: string, parts: string[], body: unknown): Promise<string> {
  return `kontor-${(await sha256Hex(`${entity.id}|${operation}|${parts.join(",")}|${JSON.stringify(body)}`)).slice(0, 48)}`;
}

const whereString = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const failAll = (objects: PendingObject[], error: string): Outcome[] => objects.map((object) => ({ object, xeroId: null, error }));

/**
 * Each object's payload, built on its own: one whose amounts no JSON number carries exactly fails alone
 * (with the amount named) and is not sent.
 */
function payloadsOf<T>(objects: PendingObject[], outcomes: Outcome[], build: (o: PendingObject) => T): { sent: PendingObject[]; payloads: T[] } {
  const sent: PendingObject[] = [];
  const payloads: T[] = [];
  for (const o of objects) {
    try {
      payloads.push(build(o));
      sent.push(o);
    } catch (error) {
      if (!(error instanceof InexactAmount)) throw error;
      outcomes.push({ object: o, xeroId: o.xeroId, error: error.message });
    }
  }
  return { sent, payloads };
}

/** Per-object errors of a summarizeErrors=false answer. */
function errorsOf(item: { hasErrors?: boolean; validationErrors?: { message?: string }[] } | undefined): string | null {
  if (!item) return "Xero did not answer for this object";
  const messages = (item.validationErrors ?? []).map((e) => e.message ?? "").filter(Boolean);
  return item.hasErrors || messages.length ? messages.join("; ") || "Xero refused this object" : null;
}

/** Xero ids of objects already SYNCED (what an invoice's contact or a credit note's invoice is in Xero). */
export async function syncedXeroIds(db: D1Database, type: SyncObjectType, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .prepare(`SELECT object_id, xero_id FROM sync_objects WHERE provider = 'xero' AND object_type = ? AND xero_id IS NOT NULL AND object_id IN (${ids.map(() => "?").join(",")})`)
    .bind(type, ...ids)
    .all<{ object_id: string; xero_id: string }>();
  return new Map(rows.results.map((r) => [r.object_id, r.xero_id]));
}

// ── contacts ────────────────────────────────────────────────────────────────────────────────────────

interface CustomerRow {
  id: string;
  legal_name: string;
  email: string;
  rev: number;
}

export async function syncContacts(c: ChunkContext, objects: PendingObject[]): Promise<Outcome[]> {
  const ids = objects.map((o) => o.id);
  const customers = new Map(
    (await c.db.prepare(`SELECT id, legal_name, email, rev FROM customers WHERE id IN (${ids.map(() => "?").join(",")})`).bind(...ids).all<CustomerRow>()).results.map((r) => [r.id, r]),
  );
  const known = new Map(objects.filter((o) => o.xeroId).map((o) => [o.id, o.xeroId!]));
  // Never a duplicate: a customer without a stored ContactID is matched by its number (our id), then by exact name or e-mail.
  const unmatched = objects.filter((o) => !o.xeroId && customers.has(o.id)).map((o) => customers.get(o.id)!);
  if (unmatched.length) {
    const contacts = (await contactDirectory(c)) ?? (await lookUpContacts(c, unmatched));
    const same = (a: string | undefined, b: string) => !!a && a.trim().toLowerCase() === b.trim().toLowerCase();
    for (const u of unmatched) {
      const match = contacts.find((x) => x.contactNumber === u.id) ?? contacts.find((x) => same(x.name, u.legal_name)) ?? contacts.find((x) => !!u.email && same(x.emailAddress, u.email));
      if (match?.contactID) known.set(u.id, match.contactID);
    }
  }
  const sendable = objects.filter((o) => customers.has(o.id));
  const outcomes: Outcome[] = failAll(objects.filter((o) => !customers.has(o.id)), "The customer no longer exists");
  if (!sendable.length) return outcomes;
  const body = {
    contacts: sendable.map((o) => {
      const cust = customers.get(o.id)!;
      return { ...(known.has(o.id) ? { contactID: known.get(o.id) } : {}), contactNumber: cust.id, name: cust.legal_name, ...(cust.email ? { emailAddress: cust.email } : {}) };
    }),
  } as unknown as Arg<"updateOrCreateContacts", 1>;
  const key = await idempotencyKey(c.entity, "contacts.save", sendable.map((o) => `${o.id}:${customers.get(o.id)!.rev}:${known.get(o.id) ?? ""}`), body);
  const answer = await callXero(c.env, c.entity, (api, tenant) => api.updateOrCreateContacts(tenant, body, false, key));
  sendable.forEach((object, i) => {
    const item = answer.contacts?.[i];
    const error = errorsOf(item);
    outcomes.push({ object, xeroId: error ? (known.get(object.id) ?? null) : (item?.contactID ?? null), error });
    // The pass's copy of the organisation's contacts stays true for the chunks after this one.
    if (!error && item?.contactID && c.directory) c.directory.push(item);
  });
  return outcomes;
}

/** Customers matched by lookups, a few per GET: a `where` of 50 customers' clauses makes a URL longer than servers take. */
async function lookUpContacts(c: ChunkContext, unmatched: CustomerRow[]): Promise<XeroContact[]> {
  const contacts: XeroContact[] = [];
  for (let i = 0; i < unmatched.length; i += LOOKUP_SIZE) {
    const where = unmatched.slice(i, i + LOOKUP_SIZE).flatMap((u) => [`ContactNumber==${whereString(u.id)}`, `Name==${whereString(u.legal_name)}`, ...(u.email ? [`EmailAddress==${whereString(u.email)}`] : [])]).join(" OR ");
    const found = await callXero(c.env, c.entity, (api, tenant) => api.getContacts(tenant, undefined, where));
    contacts.push(...(found.contacts ?? []));
  }
  return contacts;
}

/**
 * The organisation's contacts, read whole once per pass when that takes fewer calls than the pass's
 * lookups would (⌈unmatched / 10⌉): a new organisation is one page for any number of customers. An
 * organisation with more pages than that is matched by lookups (the first page cost one call).
 */
async function contactDirectory(c: ChunkContext): Promise<XeroContact[] | null> {
  if (c.directory !== undefined) return c.directory;
  const lookups = Math.ceil(c.unmatchedContacts / LOOKUP_SIZE);
  if (lookups <= 1) return (c.directory = null);
  const contacts: XeroContact[] = [];
  for (let page = 1; page <= lookups; page++) {
    const found = await callXero(c.env, c.entity, (api, tenant) => api.getContacts(tenant, undefined, undefined, undefined, undefined, page, undefined, true, undefined, DIRECTORY_PAGE));
    contacts.push(...(found.contacts ?? []));
    const pages = found.pagination?.pageCount;
    if (pages !== undefined && pages > lookups) return (c.directory = null);
    if ((pages !== undefined && page >= pages) || (found.contacts?.length ?? 0) < DIRECTORY_PAGE) return (c.directory = contacts);
  }
  return (c.directory = null);
}

// ── invoices ────────────────────────────────────────────────────────────────────────────────────────

/** Account, item and tax type of a Kontor line, from the mappings (a product's own, else the default). */
const bookingOf = (m: XeroMappings, productOf: Map<string, string>, line: { priceId: string | null; taxRateId: string | null }) =>
  bookingFor(m, line.priceId ? (productOf.get(line.priceId) ?? null) : null, line);

async function invoicesByNumber(c: ChunkContext, numbers: string[]): Promise<Map<string, string>> {
  if (!numbers.length) return new Map();
  const found = await callXero(c.env, c.entity, (api, tenant) => api.getInvoices(tenant, undefined, undefined, undefined, undefined, numbers));
  return new Map((found.invoices ?? []).filter((i) => i.invoiceNumber && i.invoiceID && String(i.status) !== "DELETED").map((i) => [i.invoiceNumber!, i.invoiceID!]));
}

export async function syncInvoices(c: ChunkContext, objects: PendingObject[]): Promise<Outcome[]> {
  const loaded = new Map<string, StoredInvoice>();
  // The chunk's reads side by side: one after the other, 50 round trips were most of a chunk's time.
  for (const [i, found] of (await Promise.all(objects.map((o) => loadInvoice(c.db, o.id)))).entries()) if (found) loaded.set(objects[i]!.id, found.invoice);
  const outcomes: Outcome[] = [];
  const live: PendingObject[] = [];
  for (const o of objects) {
    const inv = loaded.get(o.id);
    if (!inv || !inv.invoiceNumber || inv.status === "DRAFT") outcomes.push({ object: o, xeroId: null, error: "Only final invoices are booked in Xero" });
    else live.push(o);
  }
  const contacts = await syncedXeroIds(c.db, "contact", [...new Set(live.map((o) => loaded.get(o.id)!.customerId))]);
  const known = new Map(live.filter((o) => o.xeroId).map((o) => [o.id, o.xeroId!]));
  // A void must find the invoice Xero has; a retry must not create one a lost answer already created.
  const unknown = live.filter((o) => !known.has(o.id) && (c.lookup || o.error !== null || loaded.get(o.id)!.status === "VOIDED"));
  for (const [number, xeroId] of await invoicesByNumber(c, unknown.map((o) => loaded.get(o.id)!.invoiceNumber!))) {
    const o = unknown.find((u) => loaded.get(u.id)!.invoiceNumber === number);
    if (o) known.set(o.id, xeroId);
  }
  const send: PendingObject[] = [];
  for (const o of live) {
    const inv = loaded.get(o.id)!;
    // Voided before it ever reached Xero (looked up by number first): Xero never had it and should not get it now.
    if (inv.status === "VOIDED" && !known.has(o.id)) outcomes.push({ object: o, xeroId: null, error: null, skipped: "Voided before it reached Xero: not sent" });
    else if (inv.status !== "VOIDED" && !c.mappings) outcomes.push({ object: o, xeroId: null, error: "Map a default revenue account (Integrations → Xero) before invoices are synced" });
    else if (inv.status !== "VOIDED" && !contacts.has(inv.customerId)) outcomes.push({ object: o, xeroId: null, error: "The customer is not in Xero yet (its contact failed to sync)" });
    else send.push(o);
  }
  if (!send.length) return outcomes;
  const productOf = await productOfPrices(c.db, [...new Set(send.flatMap((o) => loaded.get(o.id)!.lines.map((l) => l.priceId).filter((p): p is string => !!p)))]);
  const built = payloadsOf(send, outcomes, (o) => {
    const inv = loaded.get(o.id)!;
    const id = known.get(o.id);
    if (inv.status === "VOIDED") return { invoiceID: id, status: "VOIDED" };
    return {
      ...(id ? { invoiceID: id } : {}),
      type: "ACCREC",
      contact: { contactID: contacts.get(inv.customerId) },
      invoiceNumber: inv.invoiceNumber,
      date: inv.issueDate,
      dueDate: inv.dueDate,
      currencyCode: inv.currency,
      lineAmountTypes: "Exclusive",
      status: "AUTHORISED",
      // A final invoice's lines never change: an update leaves Xero's as they are (Xero refuses new lines once paid).
      ...(id ? {} : { lineItems: inv.lines.map((l, i) => ({ ...wireLine({ ...l, description: l.description ? `${l.title} — ${l.description}` : l.title }, i + 1), ...bookingOf(c.mappings!, productOf, l) })) }),
    };
  });
  if (!built.sent.length) return outcomes;
  return outcomes.concat(await saveInvoices(c, built.sent, built.payloads, loaded, known));
}

async function saveInvoices(c: ChunkContext, send: PendingObject[], payloads: unknown[], loaded: Map<string, StoredInvoice>, known: Map<string, string>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const body = { invoices: payloads } as unknown as Arg<"updateOrCreateInvoices", 1>;
  const key = await idempotencyKey(c.entity, "invoices.save", send.map((o) => `${o.id}:${loaded.get(o.id)!.rev}:${known.get(o.id) ?? ""}`), body);
  const answer = await callXero(c.env, c.entity, (api, tenant) => api.updateOrCreateInvoices(tenant, body, false, 4, key));
  send.forEach((object, i) => {
    const item = answer.invoices?.[i];
    const error = errorsOf(item);
    outcomes.push({ object, xeroId: item?.invoiceID ?? known.get(object.id) ?? null, error });
  });
  return outcomes;
}

// ── credit notes ────────────────────────────────────────────────────────────────────────────────────

export async function syncCreditNotes(c: ChunkContext, objects: PendingObject[]): Promise<Outcome[]> {
  const notes = new Map<string, StoredCreditNote>();
  for (const [i, note] of (await Promise.all(objects.map((o) => loadCreditNote(c.db, o.id)))).entries()) if (note) notes.set(objects[i]!.id, note);
  const outcomes: Outcome[] = [];
  const live = objects.filter((o) => {
    const n = notes.get(o.id);
    if (n && n.status !== "DRAFT" && n.creditNoteNumber) return true;
    outcomes.push({ object: o, xeroId: null, error: "Only final credit notes are booked in Xero" });
    return false;
  });
  const invoiceIds = [...new Set(live.map((o) => notes.get(o.id)!.invoiceId))];
  const invoices = await syncedXeroIds(c.db, "invoice", invoiceIds);
  const contacts = await syncedXeroIds(c.db, "contact", [...new Set(live.map((o) => notes.get(o.id)!.customerId))]);
  const lines = new Map<string, StoredInvoice["lines"][number]>();
  for (const id of invoiceIds) for (const l of (await loadInvoice(c.db, id))?.invoice.lines ?? []) lines.set(l.id, l);
  const known = new Map(live.filter((o) => o.xeroId).map((o) => [o.id, o.xeroId!]));
  const unknown = live.filter((o) => !known.has(o.id) && (c.lookup || o.error !== null));
  if (unknown.length) {
    const where = unknown.map((o) => `CreditNoteNumber==${whereString(notes.get(o.id)!.creditNoteNumber!)}`).join(" OR ");
    const found = await callXero(c.env, c.entity, (api, tenant) => api.getCreditNotes(tenant, undefined, where));
    for (const x of found.creditNotes ?? []) {
      const o = unknown.find((u) => notes.get(u.id)!.creditNoteNumber === x.creditNoteNumber);
      if (o && x.creditNoteID && String(x.status) !== "DELETED") known.set(o.id, x.creditNoteID);
    }
  }
  let send = live.filter((o) => {
    const n = notes.get(o.id)!;
    const reason = !c.mappings ? "Map a default revenue account before credit notes are synced" : !invoices.has(n.invoiceId) ? "The credited invoice is not in Xero yet" : !contacts.has(n.customerId) ? "The customer is not in Xero yet" : null;
    if (reason) outcomes.push({ object: o, xeroId: null, error: reason });
    return !reason;
  });
  if (!send.length) return outcomes;
  const productOf = await productOfPrices(c.db, [...new Set([...lines.values()].map((l) => l.priceId).filter((p): p is string => !!p))]);
  const built = payloadsOf(send, outcomes, (o) => {
    const n = notes.get(o.id)!;
    return {
      ...(known.has(o.id) ? { creditNoteID: known.get(o.id) } : {}),
      type: "ACCRECCREDIT",
      contact: { contactID: contacts.get(n.customerId) },
      creditNoteNumber: n.creditNoteNumber,
      date: n.issueDate,
      currencyCode: n.currency,
      lineAmountTypes: "Exclusive",
      status: "AUTHORISED",
      ...(known.has(o.id)
        ? {}
        : {
            lineItems: n.lines.map((l) => {
              const from = lines.get(l.invoiceLineId);
              return { description: l.title, quantity: 1, unitAmount: wireNumber(`Credit line ${l.title}'s amount`, l.amount, UNIT_DECIMALS), ...bookingOf(c.mappings!, productOf, { priceId: from?.priceId ?? null, taxRateId: from?.taxRateId ?? null }) };
            }),
          }),
    };
  });
  if (!built.sent.length) return outcomes;
  send = built.sent;
  const body = { creditNotes: built.payloads } as unknown as Arg<"updateOrCreateCreditNotes", 1>;
  const key = await idempotencyKey(c.entity, "credit_notes.save", send.map((o) => `${o.id}:${notes.get(o.id)!.rev}:${known.get(o.id) ?? ""}`), body);
  const answer = await callXero(c.env, c.entity, (api, tenant) => api.updateOrCreateCreditNotes(tenant, body, false, 4, key));
  for (const [i, object] of send.entries()) {
    const item = answer.creditNotes?.[i];
    const error = errorsOf(item);
    const xeroId = item?.creditNoteID ?? known.get(object.id) ?? null;
    if (error || !xeroId) {
      outcomes.push({ object, xeroId, error: error ?? "Xero did not return the credit note's id" });
      continue;
    }
    // Allocated to its invoice once: a note Xero shows allocated already is left as it is.
    const remaining = item?.remainingCredit ?? 0;
    if ((item?.allocations?.length ?? 0) > 0 || remaining <= 0) {
      outcomes.push({ object, xeroId, error: null });
      continue;
    }
    const note = notes.get(object.id)!;
    const allocation = { allocations: [{ invoice: { invoiceID: invoices.get(note.invoiceId) }, amount: remaining, date: note.issueDate }] } as unknown as Arg<"createCreditNoteAllocation", 2>;
    const allocationKey = await idempotencyKey(c.entity, "credit_notes.allocate", [`${object.id}:${note.rev}:${xeroId}`], allocation);
    const allocated = await callXero(c.env, c.entity, (api, tenant) => api.createCreditNoteAllocation(tenant, xeroId, allocation, false, allocationKey));
    outcomes.push({ object, xeroId, error: errorsOf(allocated.allocations?.[0]) });
  }
  return outcomes;
}

// ── payments (one object per invoice: what Kontor records as paid, brought into Xero) ──────────────────

export async function syncPayments(c: ChunkContext, objects: PendingObject[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const invoices = await syncedXeroIds(c.db, "invoice", objects.map((o) => o.id));
  const loaded = new Map<string, StoredInvoice>();
  const found = await Promise.all(objects.map((o) => loadInvoice(c.db, o.id)));
  for (const [i, o] of objects.entries()) {
    const one = found[i];
    if (one && invoices.has(o.id)) loaded.set(o.id, one.invoice);
    else outcomes.push({ object: o, xeroId: o.xeroId, error: one ? "The invoice is not in Xero yet" : "The invoice no longer exists" });
  }
  const live = objects.filter((o) => loaded.has(o.id));
  if (!live.length) return outcomes;
  // What Xero already has as paid (payments sent before, or made in Xero): only the difference is booked.
  const inXero = await callXero(c.env, c.entity, (api, tenant) => api.getInvoices(tenant, undefined, undefined, undefined, live.map((o) => invoices.get(o.id)!)));
  const paidInXero = new Map((inXero.invoices ?? []).map((i) => [i.invoiceID!, String(i.amountPaid ?? 0)]));
  let send: { object: PendingObject; due: string }[] = [];
  for (const object of live) {
    const inv = loaded.get(object.id)!;
    const due = subtractMoney(inv.amountPaid, paidInXero.get(invoices.get(object.id)!) ?? "0", inv.currency);
    if (compareMoney(due, "0") <= 0) outcomes.push({ object, xeroId: object.xeroId, error: null });
    else if (!c.mappings?.paymentAccount) outcomes.push({ object, xeroId: object.xeroId, error: "Map the bank account payments are paid into (Integrations → Xero) before payments are synced" });
    else send.push({ object, due });
  }
  if (!send.length) return outcomes;
  const today = new Date().toISOString().slice(0, 10);
  const built = payloadsOf(send.map((s) => s.object), outcomes, (object) => ({
    invoice: { invoiceID: invoices.get(object.id) },
    account: { code: c.mappings!.paymentAccount },
    amount: wireNumber("The payment", send.find((s) => s.object === object)!.due, AMOUNT_DECIMALS),
    date: today,
    reference: `Kontor ${loaded.get(object.id)!.invoiceNumber}`,
  }));
  send = send.filter((s) => built.sent.includes(s.object));
  if (!send.length) return outcomes;
  const body = { payments: built.payloads } as unknown as Arg<"createPayments", 1>;
  const key = await idempotencyKey(c.entity, "payments.create", send.map(({ object, due }) => `${object.id}:${loaded.get(object.id)!.rev}:${due}`), body);
  const answer = await callXero(c.env, c.entity, (api, tenant) => api.createPayments(tenant, body, false, key));
  send.forEach(({ object }, i) => {
    const item = answer.payments?.[i];
    const error = errorsOf(item);
    outcomes.push({ object, xeroId: error ? object.xeroId : (item?.paymentID ?? object.xeroId), error });
  });
  return outcomes;
}
