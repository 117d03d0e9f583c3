// The outbound Xero sync of 1,000 final invoices with their 1,000 contacts (one entity, one new
// organisation of the fake), through the real API (POST /integrations/xero/sync {includeExisting}), the
// real queue and xero-node, against the Xero fake served in this process (scripts/bench.ts).
// Printed:
// - Xero calls made against the least possible: ⌈invoices/50⌉ invoice writes + ⌈contacts/50⌉ contact
//   writes + the reads that prove no contact exists yet (customers without a stored ContactID must be
//   matched first; a new organisation's contacts are ⌈contacts in Xero/1000⌉ pages, at least 1);
// - the wall time from POST /sync to nothing PENDING, against a floor measured in the same run: the same
//   minimal requests sent straight to the fake one after the other (what Xero's side of it costs), and
//   against what the 60-a-minute limit allows;
// - the busiest minute (the calls Xero counted in any 60 s) against the 60-a-minute limit, and the 429s
//   (none expected: the Worker's budget keeps the same rolling minute);
// - a retried run on another entity: 503s injected halfway, then half of what synced forgotten as if the
//   run had been killed after Xero wrote, sent again: duplicates in the fake by InvoiceNumber and by
//   ContactNumber / Name (zero expected).
// Clock: the fake runs on real time here (nothing advances /__clock), and so does the Worker's call
// budget (Date.now() in the XeroConnection object): the limits are enforced in real seconds.
import type { XeroFake, RecordedRequest } from "../tests/fakes/xero/index.ts";
import { connect } from "../tests/fakes/xero/testing.ts";

const INVOICES = 1_000;
const MINUTE = 60_000;
const LIMIT = 60;

type Json = any;

interface Scenario {
  slug: string;
  binding: string;
  currency: string;
  prefix: string;
}

export async function benchXeroSync(url: string, cookie: string, xero: { url: string; fake: XeroFake }) {
  const headers = { cookie, origin: url, "content-type": "application/json" };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as Json;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  /** Seed `INVOICES` final invoices of as many customers (one finalized through the API, the rest its copies), then connect and map. */
  async function prepare(s: Scenario): Promise<string> {
    const base = `/api/v1/entities/${s.slug}`;
    const customer = await call("POST", `${base}/customers`, { legalName: `XB ${s.prefix} Customer 00000 Ltd`, email: `ap00000@xb-${s.prefix}.test`, country: s.slug === "acme-us" ? "US" : "GB" });
    const draft = await call("POST", `${base}/invoices`, {
      customerId: customer.id,
      currency: s.currency,
      lines: [
        { title: "Platform subscription", quantity: "1", rate: "1250.00", taxRateId: null },
        { title: "Seats", quantity: "12", rate: "33.335", taxRateId: null },
      ],
    });
    await call("POST", `${base}/invoices/${draft.id}/finalize`, {});
    await call("POST", "/__bench/xero-seed", { binding: s.binding, templateInvoiceId: draft.id, prefix: s.prefix, count: INVOICES - 1 });
    const tenant = (await (await fetch(`${xero.url}/__tenants`, { method: "POST", body: JSON.stringify({ name: `Bench ${s.prefix}`, baseCurrency: s.currency }) })).json()) as Json;
    // The connect flow as a browser walks it: our connect route → the fake's consent (approved) → our callback.
    const started = await fetch(`${url}${base}/integrations/xero/connect`, { headers: { cookie }, redirect: "manual" });
    const consent = new URL(started.headers.get("location")!);
    consent.searchParams.set("auto", "1");
    consent.searchParams.set("tenant", tenant.tenantId);
    const callback = (await fetch(consent, { redirect: "manual" })).headers.get("location")!;
    const back = await fetch(callback, { headers: { cookie }, redirect: "manual" });
    if (!back.headers.get("location")?.includes("xero=connected")) throw new Error(`connecting ${s.slug} failed: ${back.status} ${back.headers.get("location")}`);
    await call("PUT", `${base}/integrations/xero/mappings`, { defaultRevenueAccount: "200", paymentAccount: "090" });
    return tenant.tenantId as string;
  }

  async function untilSettled(slug: string, onPoll?: () => Promise<void>): Promise<Json> {
    for (let i = 0; i < 4 * 60 * 20; i++) {
      const status = await call("GET", `/api/v1/entities/${slug}/integrations/xero/status`);
      if (status.pending === 0) return status;
      await onPoll?.();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${slug}: the sync left objects PENDING after 20 minutes`);
  }

  const apiCalls = (tenant: string, from: number): RecordedRequest[] => xero.fake.state.requests.slice(from).filter((r) => r.tenantId === tenant && r.path.startsWith("/api.xro/2.0/"));
  const kinds = (calls: RecordedRequest[]) => {
    const n = (method: string, path: string, extra: (r: RecordedRequest) => boolean = () => true) => calls.filter((r) => r.method === method && r.path === `/api.xro/2.0/${path}` && extra(r)).length;
    return { contactReads: n("GET", "Contacts"), contactWrites: n("POST", "Contacts"), invoiceWrites: n("POST", "Invoices"), invoiceLookups: n("GET", "Invoices"), refused: calls.filter((r) => r.status === 429).length, failed: calls.filter((r) => r.status >= 500).length, invalid: calls.filter((r) => !r.valid).length };
  };
  /** Most calls Xero counted (not refused with 429, not failed by /__fail) in any 60 s; each call starts a window. */
  const busiestMinute = (calls: RecordedRequest[]) => {
    const at = calls.filter((r) => r.status !== 429 && r.status < 500).map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (j < at.length && at[j]! < at[i]! + MINUTE) j++;
      best = Math.max(best, j - i);
    }
    return best;
  };
  const duplicates = (tenantId: string) => {
    const t = xero.fake.state.tenants.get(tenantId)!;
    const dup = (values: unknown[]) => {
      const seen = new Map<unknown, number>();
      for (const v of values) if (v) seen.set(v, (seen.get(v) ?? 0) + 1);
      return [...seen.values()].filter((c) => c > 1).length;
    };
    const invoices = [...t.invoices.values()];
    const contacts = [...t.contacts.values()];
    return { invoices: invoices.length, contacts: contacts.length, creditNotes: t.creditNotes.size, allocations: t.allocations.size, byNumber: dup(invoices.map((i) => i.InvoiceNumber)), byContactNumber: dup(contacts.map((c) => c.ContactNumber)), byName: dup(contacts.map((c) => String(c.Name).toLowerCase())) };
  };

  /**
   * The floor: the minimal requests of this sync — one read of the (empty) organisation's contacts, then
   * each contact write and invoice write the sync made, with the same bodies — sent straight to the fake
   * over HTTP for a fresh organisation, one after the other: the Xero side of the work, nothing of ours.
   */
  async function floor(writes: RecordedRequest[], sourceTenant: string): Promise<{ ms: number; calls: number }> {
    const tenant = (await (await fetch(`${xero.url}/__tenants`, { method: "POST", body: JSON.stringify({ name: "Bench floor" }) })).json()) as Json;
    const tokens = await connect(xero.fake, tenant.tenantId);
    const numberOf = new Map([...xero.fake.state.tenants.get(sourceTenant)!.contacts.values()].map((c) => [c.ContactID, c.ContactNumber]));
    const ids = new Map<unknown, string>();
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${xero.url}/api.xro/2.0/${path}`, { method, headers: { authorization: `Bearer ${tokens.access_token}`, "xero-tenant-id": tenant.tenantId, accept: "application/json", "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`floor ${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Json;
    };
    const started = performance.now();
    await send("GET", "Contacts?page=1&pageSize=1000&summaryOnly=true");
    let calls = 1;
    for (const w of writes.filter((r) => r.path.endsWith("/Contacts"))) {
      const answer = await send("POST", "Contacts?summarizeErrors=false", w.body);
      for (const c of answer.Contacts) ids.set(c.ContactNumber, c.ContactID);
      calls++;
    }
    for (const w of writes.filter((r) => r.path.endsWith("/Invoices"))) {
      const body = { Invoices: (w.body as Json).Invoices.map((i: Json) => ({ ...i, Contact: { ContactID: ids.get(numberOf.get(i.Contact.ContactID)) } })) };
      await send("POST", "Invoices?summarizeErrors=false&unitdp=4", body);
      calls++;
    }
    return { ms: performance.now() - started, calls };
  }

  // ── 1. the measured sync ──────────────────────────────────────────────────────────────────────────
  const a: Scenario = { slug: "acme-uk", binding: "ENTITY_ACME_UK", currency: "GBP", prefix: "uk" };
  const tenantA = await prepare(a);
  const fromA = xero.fake.state.requests.length;
  const t0 = performance.now();
  const queued = await call("POST", `/api/v1/entities/${a.slug}/integrations/xero/sync`, { includeExisting: true });
  const statusA = await untilSettled(a.slug);
  const wallMs = performance.now() - t0;
  const callsA = apiCalls(tenantA, fromA);
  const k = kinds(callsA);
  const dupA = duplicates(tenantA);
  // What reached Xero: the bench's invoices and customers, plus the entity's own final documents (the backfill takes them too).
  const { invoices, contacts, creditNotes, allocations } = dupA;
  const minimum = Math.ceil(invoices / 50) + Math.ceil(contacts / 50) + 1 + Math.ceil(creditNotes / 50) + allocations;
  const peak = busiestMinute(callsA);
  const limitAllowsMs = Math.max(0, Math.ceil(callsA.length / LIMIT) - 1) * MINUTE; // the least time 60-a-minute allows for these calls
  const bare = await floor(callsA.filter((r) => r.method === "POST" && !r.path.includes("/CreditNotes")), tenantA);
  const firstError = (status: Json) => (status.failed ? ` — first error: ${status.objects.find((o: Json) => o.state === "FAILED")?.error}` : "");
  const row = (label: string, value: string, against: string) => console.log(`  ${label.padEnd(34)} ${value.padStart(14)}   ${against}`);
  console.log(`xero-sync: ${invoices} final invoices (${INVOICES} bench + ${invoices - INVOICES} the entity had) of ${contacts} customers and ${creditNotes} credit note(s), acme-uk → a new organisation of the fake (queued ${queued.added}, failed ${statusA.failed}${firstError(statusA)})`);
  row("Xero calls made", String(callsA.length), `minimum ${minimum} = ⌈${invoices}/50⌉ invoice writes + ⌈${contacts}/50⌉ contact writes + 1 read of the organisation's contacts${creditNotes ? ` + ${Math.ceil(creditNotes / 50)} credit-note write + ${allocations} allocation(s)` : ""} | ratio ${(callsA.length / minimum).toFixed(2)}x`);
  row("  contact reads / writes", `${k.contactReads} / ${k.contactWrites}`, `(ten customers per lookup, as before, would be ${Math.ceil(contacts / 10)} reads)`);
  row("  invoice writes / lookups", `${k.invoiceWrites} / ${k.invoiceLookups}`, "");
  row("wall time, POST /sync → 0 PENDING", `${(wallMs / 1000).toFixed(2)}s`, `floor (the same ${bare.calls} minimal requests straight to the fake, in a row) ${(bare.ms / 1000).toFixed(2)}s | ratio ${(wallMs / bare.ms).toFixed(2)}x`);
  row("  what 60 calls/min allows", `${(limitAllowsMs / 1000).toFixed(0)}s`, `${callsA.length} calls ${callsA.length <= LIMIT ? "fit in one minute: the limit costs no waiting" : `need ≥ ${(limitAllowsMs / 1000).toFixed(0)}s`}; wall time ${wallMs < MINUTE ? "under a minute" : "over a minute"}`);
  row("busiest minute (sliding 60 s)", `${peak} calls`, `limit ${LIMIT} a minute: ${peak <= LIMIT ? "never exceeded" : "EXCEEDED"}; 429s ${k.refused}, 5xx ${k.failed}, invalid requests ${k.invalid}`);
  row("in Xero after", `${dupA.invoices} inv / ${dupA.contacts} con`, `duplicates: by InvoiceNumber ${dupA.byNumber}, by ContactNumber ${dupA.byContactNumber}, by Name ${dupA.byName}`);

  // ── 2. the retried run: interrupted halfway, half of its answers lost, sent again ───────────────────
  const b: Scenario = { slug: "acme-us", binding: "ENTITY_ACME_US", currency: "USD", prefix: "us" };
  const tenantB = await prepare(b);
  const fromB = xero.fake.state.requests.length;
  const t1 = performance.now();
  await call("POST", `/api/v1/entities/${b.slug}/integrations/xero/sync`, { includeExisting: true });
  let interrupted = false;
  await untilSettled(b.slug, async () => {
    if (interrupted || apiCalls(tenantB, fromB).length < Math.floor(minimum / 2)) return;
    interrupted = true;
    await fetch(`${xero.url}/__fail`, { method: "POST", body: JSON.stringify({ status: 503, count: 3, tenantId: tenantB }) });
  });
  const firstB = duplicates(tenantB);
  const forgotten = await call("POST", "/__bench/xero-forget", { binding: b.binding, every: 2 });
  await call("POST", `/api/v1/entities/${b.slug}/integrations/xero/sync`, {});
  const statusB = await untilSettled(b.slug);
  const retriedMs = performance.now() - t1;
  const callsB = apiCalls(tenantB, fromB);
  const kb = kinds(callsB);
  const dupB = duplicates(tenantB);
  console.log(`xero-sync retried: ${firstB.invoices} final invoices (${INVOICES} bench + ${firstB.invoices - INVOICES} the entity had) of ${firstB.contacts} customers, acme-us; 3 calls answered 503 after ${Math.floor(minimum / 2)} calls, then ${forgotten.forgotten} synced objects forgotten (as if killed before recording) and sent again (failed ${statusB.failed}${firstError(statusB)})`);
  row("Xero calls made", String(callsB.length), `contact reads ${kb.contactReads}, writes ${kb.contactWrites}; invoice writes ${kb.invoiceWrites}, lookups by number ${kb.invoiceLookups}; 503s ${kb.failed}, 429s ${kb.refused}, invalid ${kb.invalid}`);
  row("wall time (both runs)", `${(retriedMs / 1000).toFixed(2)}s`, `busiest minute ${busiestMinute(callsB)} calls (limit ${LIMIT})`);
  row("in Xero after", `${dupB.invoices} inv / ${dupB.contacts} con`, `duplicates: by InvoiceNumber ${dupB.byNumber}, by ContactNumber ${dupB.byContactNumber}, by Name ${dupB.byName} (before the forgotten half was sent again: ${firstB.invoices} / ${firstB.contacts}; nothing added, 0 duplicates: ${dupB.invoices === firstB.invoices && dupB.contacts === firstB.contacts && dupB.invoices >= INVOICES && dupB.byNumber + dupB.byContactNumber + dupB.byName === 0 ? "yes" : "NO"})`);
  console.log("  clock: real time on both sides (the fake's /__clock is not advanced; the Worker's call budget runs on Date.now())");
}
