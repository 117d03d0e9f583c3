// The Accounting API (`/api.xro/2.0/…`): bearer token and tenant checks, the rate limits, Xero's spec as the
// judge of every request, Idempotency-Key replays, and the operations a sync needs.
import { createHash, randomUUID } from "node:crypto";
import { findContact, renderContact, saveContact } from "./contacts.ts";
import { allocate, findDocument, renderDocument, saveDocument, type DocKind } from "./documents.ts";
import type { Identity } from "./identity.ts";
import { keep, ledgerOf, Refused, type Ledger } from "./ledger.ts";
import { admit, remaining } from "./limits.ts";
import { createPayment, deletePayment, renderPayment } from "./payments.ts";
import type { SpecValidator } from "./spec.ts";
import { json, msDate, problem, xeroError, type Doc, type FakeState, type Tenant } from "./state.ts";
import { parseWhere, WhereError } from "./where.ts";

export const API_PREFIX = "/api.xro/2.0";
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface ApiOutcome {
  response: Response;
  valid: boolean;
  errors: string[];
  tenantId: string | null;
}

/** Which granular scope an operation needs (its `.read` variant does for a GET). */
function scopeFor(operationId: string): string[] {
  const read = operationId.startsWith("get");
  const want = (scope: string) => (read ? [scope, `${scope}.read`] : [scope]);
  if (/Contact/.test(operationId)) return want("accounting.contacts");
  if (/Payment/.test(operationId)) return want("accounting.payments");
  if (/Item/.test(operationId)) return [...want("accounting.invoices"), ...want("accounting.settings")];
  if (/Invoice|CreditNote/.test(operationId)) return want("accounting.invoices");
  return want("accounting.settings");
}

type Handler = (call: Call) => Response;
interface Call {
  tenant: Tenant;
  now: number;
  method: string;
  segments: string[];
  query: URLSearchParams;
  headers: Headers;
  body: Doc;
}

const envelope = (now: number, collection: string, items: unknown[], extra: Doc = {}): Doc => ({
  Id: randomUUID(),
  Status: "OK",
  ProviderName: "Kontor",
  DateTimeUTC: msDate(now),
  ...extra,
  [collection]: items,
});

/** GET list semantics: where, If-Modified-Since, ids/numbers/statuses, paging (100 a page, or pageSize). */
function listing(call: Call, collection: string, records: { doc: Doc; view: Doc }[], filters: Record<string, (view: Doc) => unknown> = {}): Response {
  let rows = records;
  const since = call.headers.get("if-modified-since");
  if (since) {
    const t = Date.parse(since);
    rows = rows.filter((r) => (r.doc._updated as number | undefined ?? 0) > t);
  }
  for (const [param, pick] of Object.entries(filters)) {
    const wanted = call.query.get(param);
    if (!wanted) continue;
    const set = new Set(wanted.split(",").map((s) => s.trim().replace(/^"|"$/g, "").toLowerCase()));
    rows = rows.filter((r) => set.has(String(pick(r.view) ?? "").toLowerCase()));
  }
  const where = call.query.get("where");
  if (where) {
    const predicate = parseWhere(where);
    rows = rows.filter((r) => predicate(r.view));
  }
  const page = call.query.get("page");
  let views = rows.map((r) => r.view);
  let extra: Doc = {};
  if (page) {
    const size = Math.min(1000, Math.max(1, Number(call.query.get("pageSize") ?? 100)));
    const n = Math.max(1, Number(page));
    extra = { pagination: { page: n, pageSize: size, pageCount: Math.ceil(views.length / size), itemCount: views.length } };
    views = views.slice((n - 1) * size, n * size);
  }
  return json(200, envelope(call.now, collection, views, extra));
}

/** A batch PUT/POST: each object saved or refused on its own (summarizeErrors=false) or all or nothing. */
function batch(call: Call, collection: string, save: (ledger: Ledger, input: Doc) => Doc, render: (ledger: Ledger, doc: Doc) => Doc, refusedView: (input: Doc) => Doc = (input) => input): Response {
  const items = Array.isArray(call.body[collection]) ? (call.body[collection] as Doc[]) : [call.body];
  const ledger = ledgerOf(call.tenant, call.now);
  const summarize = call.query.get("summarizeErrors") !== "false";
  const results: { doc?: Doc; input: Doc; errors?: string[] }[] = [];
  for (const input of items) {
    try {
      results.push({ input, doc: save(ledger, input) });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      results.push({ input, errors: e.messages });
    }
  }
  const failed = results.filter((r) => r.errors);
  const refused = (r: { input: Doc; errors?: string[] }) => ({ ...refusedView(r.input), StatusAttributeString: "ERROR", HasErrors: true, ValidationErrors: r.errors!.map((Message) => ({ Message })) });
  if (summarize && failed.length) return xeroError(400, "ValidationException", "A validation exception occurred", results.map((r) => (r.errors ? refused(r) : { ...render(ledger, r.doc!), ValidationErrors: [] })));
  keep(ledger);
  return json(200, envelope(call.now, collection, results.map((r) => (r.errors ? refused(r) : { ...render(ledger, r.doc!), StatusAttributeString: "OK" }))));
}

const documentsOf = (kind: DocKind, collection: "Invoices" | "CreditNotes", idField: string, numberField: string): Record<string, Handler> => {
  const list = (call: Call) => {
    const ledger = ledgerOf(call.tenant, call.now);
    const map = kind === "invoice" ? ledger.invoices : ledger.creditNotes;
    const records = [...map.values()].map((doc) => ({ doc, view: renderDocument(ledger, kind, doc) }));
    return listing(call, collection, records, { IDs: (v) => v[idField], [`${collection.slice(0, -1)}Numbers`]: (v) => v[numberField], ContactIDs: (v) => (v.Contact as Doc)?.ContactID, Statuses: (v) => v.Status });
  };
  const one = (call: Call) => {
    const ledger = ledgerOf(call.tenant, call.now);
    const key = call.segments[1]!;
    const map = kind === "invoice" ? ledger.invoices : ledger.creditNotes;
    const doc = map.get(key.toLowerCase()) ?? [...map.values()].find((d) => d[numberField] === key);
    if (!doc) return xeroError(404, "ObjectNotFoundException", `${collection.slice(0, -1)} not found`);
    return json(200, envelope(call.now, collection, [renderDocument(ledger, kind, doc)]));
  };
  const render = (ledger: Ledger, doc: Doc) => renderDocument(ledger, kind, doc);
  const create = (call: Call) => batch(call, collection, (l, input) => {
    if (typeof input[idField] === "string") throw new Refused(`${idField} cannot be given when creating; use POST to update`);
    return saveDocument(l, kind, input, undefined);
  }, render);
  const upsert = (call: Call) => batch(call, collection, (l, input) => saveDocument(l, kind, input, findDocument(l, kind, input, true)), render);
  const update = (call: Call) => batch(call, collection, (l, input) => saveDocument(l, kind, input, findDocument(l, kind, { ...input, [idField]: call.segments[1] }, false)), render);
  const name = collection === "Invoices" ? "Invoice" : "CreditNote";
  return { [`get${collection}`]: list, [`get${name}`]: one, [`create${collection}`]: create, [`updateOrCreate${collection}`]: upsert, [`update${name}`]: update };
};

const contactHandlers: Record<string, Handler> = {
  getContacts: (call) => {
    const ledger = ledgerOf(call.tenant, call.now);
    const archived = call.query.get("includeArchived") === "true";
    const term = call.query.get("searchTerm")?.toLowerCase();
    const records = [...ledger.contacts.values()]
      .filter((c) => archived || c.ContactStatus !== "ARCHIVED")
      .filter((c) => !term || [c.Name, c.FirstName, c.LastName, c.EmailAddress, c.ContactNumber].some((v) => typeof v === "string" && v.toLowerCase().includes(term)))
      .map((doc) => ({ doc, view: renderContact(ledger, doc) }));
    return listing(call, "Contacts", records, { IDs: (v) => v.ContactID });
  },
  getContact: (call) => contactHandlers.getContactByContactNumber!(call),
  getContactByContactNumber: (call) => {
    const ledger = ledgerOf(call.tenant, call.now);
    const key = call.segments[1]!;
    const contact = ledger.contacts.get(key.toLowerCase()) ?? [...ledger.contacts.values()].find((c) => c.ContactNumber === key);
    if (!contact) return xeroError(404, "ObjectNotFoundException", "Contact not found");
    return json(200, envelope(call.now, "Contacts", [renderContact(ledger, contact)]));
  },
  createContacts: (call) => batch(call, "Contacts", (l, input) => {
    if (typeof input.ContactID === "string") throw new Refused("ContactID cannot be given when creating; use POST to update");
    return saveContact(l, input, undefined);
  }, renderContact),
  updateOrCreateContacts: (call) => batch(call, "Contacts", (l, input) => saveContact(l, input, findContact(l, input)), renderContact),
  updateContact: (call) => batch(call, "Contacts", (l, input) => saveContact(l, input, findContact(l, { ...input, ContactID: call.segments[1] })), renderContact),
};

const paymentHandlers: Record<string, Handler> = {
  getPayments: (call) => {
    const ledger = ledgerOf(call.tenant, call.now);
    return listing(call, "Payments", [...ledger.payments.values()].map((doc) => ({ doc, view: renderPayment(ledger, doc) })));
  },
  getPayment: (call) => {
    const ledger = ledgerOf(call.tenant, call.now);
    const payment = ledger.payments.get(call.segments[1]!.toLowerCase());
    if (!payment) return xeroError(404, "ObjectNotFoundException", "Payment not found");
    return json(200, envelope(call.now, "Payments", [renderPayment(ledger, payment)]));
  },
  createPayments: (call) => batch(call, "Payments", createPayment, renderPayment),
  createPayment: (call) => batch(call, "Payments", createPayment, renderPayment),
  deletePayment: (call) => batch(call, "Payments", (l, input) => deletePayment(l, call.segments[1]!, input), renderPayment),
  createCreditNoteAllocation: (call) => batch(call, "Allocations", (l, input) => allocate(l, call.segments[1]!, input), (_l, doc) => doc),
};

const settingsHandlers: Record<string, Handler> = {
  getAccounts: (call) => listing(call, "Accounts", call.tenant.accounts.map((a) => ({ doc: a as unknown as Doc, view: a as unknown as Doc }))),
  getAccount: (call) => {
    const account = call.tenant.accounts.find((a) => a.AccountID === call.segments[1]!.toLowerCase());
    return account ? json(200, envelope(call.now, "Accounts", [account])) : xeroError(404, "ObjectNotFoundException", "Account not found");
  },
  getTaxRates: (call) => {
    const taxType = call.query.get("TaxType");
    const rates = call.tenant.taxRates.filter((t) => !taxType || t.TaxType === taxType);
    return listing(call, "TaxRates", rates.map((t) => ({ doc: t as unknown as Doc, view: t as unknown as Doc })));
  },
  getTaxRateByTaxType: (call) => {
    const rate = call.tenant.taxRates.find((t) => t.TaxType === call.segments[1]);
    return rate ? json(200, envelope(call.now, "TaxRates", [rate])) : xeroError(404, "ObjectNotFoundException", "Tax rate not found");
  },
  getTrackingCategories: (call) => {
    // Xero lists active categories unless includeArchived=true.
    const all = call.query.get("includeArchived") === "true";
    const categories = call.tenant.trackingCategories.filter((t) => all || t.Status === "ACTIVE");
    return listing(call, "TrackingCategories", categories.map((t) => ({ doc: t as unknown as Doc, view: t as unknown as Doc })));
  },
  getItems: (call) => listing(call, "Items", call.tenant.items.map((i) => ({ doc: i as unknown as Doc, view: i as unknown as Doc }))),
  getItem: (call) => {
    const key = call.segments[1]!;
    const item = call.tenant.items.find((i) => i.ItemID === key.toLowerCase() || i.Code === key);
    return item ? json(200, envelope(call.now, "Items", [item])) : xeroError(404, "ObjectNotFoundException", "Item not found");
  },
};

const HANDLERS: Record<string, Handler> = {
  ...documentsOf("invoice", "Invoices", "InvoiceID", "InvoiceNumber"),
  ...documentsOf("creditNote", "CreditNotes", "CreditNoteID", "CreditNoteNumber"),
  ...contactHandlers,
  ...paymentHandlers,
  ...settingsHandlers,
};

export class Accounting {
  private readonly state: () => FakeState;
  private readonly identity: Identity;
  private readonly spec: SpecValidator;
  private readonly now: () => number;

  constructor(state: () => FakeState, identity: Identity, spec: SpecValidator, now: () => number) {
    this.state = state;
    this.identity = identity;
    this.spec = spec;
    this.now = now;
  }

  async handle(request: Request, url: URL, body: unknown): Promise<ApiOutcome> {
    const s = this.state();
    const now = this.now();
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    const tenantId = request.headers.get("xero-tenant-id")?.toLowerCase() ?? null;
    const tenant = tenantId ? s.tenants.get(tenantId) : undefined;
    const outcome = (response: Response, valid = true, errors: string[] = []): ApiOutcome => ({ response, valid, errors, tenantId: tenant?.id ?? null });
    const withLimits = (response: Response, headers: Record<string, string>) => {
      for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
      return response;
    };
    const left = () => (tenant ? remaining(tenant.calls, s.appCalls, now) : {});

    const grant = this.identity.bearer(request);
    if (!grant) return outcome(withLimits(problem(401, "AuthenticationUnsuccessful"), left()));
    if (tenant && !this.identity.connectedTenants(grant).has(tenant.id)) return outcome(withLimits(problem(403, "AuthenticationUnsuccessful"), left()));

    const query: Record<string, string> = Object.fromEntries(url.searchParams);
    const headers: Record<string, string> = Object.fromEntries(request.headers);
    const check = await this.spec.check({ method: request.method, path, query, headers, body: body === undefined ? undefined : body });
    if (!tenant) {
      return outcome(problem(403, "AuthenticationUnsuccessful"), check.valid && !!tenantId, check.valid ? ["xero-tenant-id names no organisation connected to this token"] : check.errors);
    }
    const admission = admit(tenant.calls, s.appCalls, now);
    if (!admission.ok) return outcome(withLimits(json(429, { Title: "Too Many Requests", Status: 429, Detail: `Rate limit exceeded (${admission.problem})` }), admission.headers), check.valid, check.errors);
    if (!check.valid) return outcome(withLimits(xeroError(400, "PostDataInvalidException", `The request does not match Xero's API: ${check.errors.join("; ")}`), admission.headers), false, check.errors);
    const operationId = check.operationId!;
    if (!scopeFor(operationId).some((scope) => grant.scopes.includes(scope))) {
      return outcome(withLimits(problem(403, "AuthorizationUnsuccessful"), admission.headers));
    }
    const handler = HANDLERS[operationId];
    if (!handler) return outcome(withLimits(xeroError(501, "NotImplementedException", `The fake does not implement ${operationId}`), admission.headers));

    const key = request.method !== "GET" ? request.headers.get("idempotency-key") : null;
    if (key !== null) {
      if (key.length === 0 || key.length > 128) return outcome(withLimits(xeroError(400, "ValidationException", "Idempotency-Key must be 1 to 128 characters"), admission.headers));
      for (const [k, v] of tenant.idempotency) if (v.at <= now - IDEMPOTENCY_TTL_MS) tenant.idempotency.delete(k);
      const fingerprint = createHash("sha256").update(`${request.method} ${path}?${url.searchParams}\n${JSON.stringify(body ?? null)}`).digest("hex");
      const seen = tenant.idempotency.get(key);
      if (seen && seen.fingerprint !== fingerprint) return outcome(withLimits(xeroError(400, "ValidationException", "This Idempotency-Key was already used with a different request"), admission.headers));
      if (seen) return outcome(withLimits(json(seen.status, seen.body, { "Idempotent-Replayed": "true" }), admission.headers));
    }
    let response: Response;
    try {
      response = handler({ tenant, now, method: request.method, segments: path.split("/").filter(Boolean), query: url.searchParams, headers: request.headers, body: (body ?? {}) as Doc });
    } catch (e) {
      if (e instanceof WhereError) response = xeroError(400, "QueryParseException", e.message);
      else if (e instanceof Refused) response = xeroError(400, "ValidationException", e.message, [{ ValidationErrors: e.messages.map((Message) => ({ Message })) }]);
      else throw e;
    }
    if (key !== null && response.status < 500) {
      const fingerprint = createHash("sha256").update(`${request.method} ${path}?${url.searchParams}\n${JSON.stringify(body ?? null)}`).digest("hex");
      tenant.idempotency.set(key, { fingerprint, status: response.status, body: await response.clone().json(), at: now });
    }
    return outcome(withLimits(response, admission.headers));
  }
}

