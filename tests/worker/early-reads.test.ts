// A quote route starts its first read while the credential is checked (worker/api/early-reads.ts).
// What is read early reaches an action only for a request granted that very entity, each read is
// taken once (a retry reads afresh), and a caller refused gets nothing of it.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { grantedEarlyReads, rememberEntity, startEarlyReads } from "../../worker/api/early-reads.ts";
import { entityMembers, resolveEntityAccess } from "../../worker/db/control.ts";
import type { EntityRecord } from "../../worker/env.ts";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { demoInvoiceId } from "../../worker/seed-ids.ts";

const DEMO_INVOICE = demoInvoiceId("us", 1);

const US = { id: "ent_acme_us", binding: "ENTITY_ACME_US" } as EntityRecord;
const SESSION = { session: `ks_${env.ENVIRONMENT}_whatever` };
const contextOf = (method: string, path: string) => ({ req: { method, url: `https://kontor.test/api/v1${path}` }, env }) as never;

let sales: ApiClient;
let quoteId: string;

beforeAll(async () => {
  sales = await ApiClient.signIn("sales@acme.test");
  const customer = (await sales.post("/api/v1/entities/acme-us/customers", { legalName: unique("Early"), email: "e@early.test", country: "US" })).body;
  const quote = (await sales.post("/api/v1/entities/acme-us/quotes", { customerId: customer.id, title: "Early secret", currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "2" }] })).body;
  quoteId = quote.id;
});

describe("early reads — which routes, taken once", () => {
  it("an entity this isolate has not seen granted starts nothing", () => {
    expect(startEarlyReads(contextOf("GET", "/entities/acme-nowhere/quotes/qte_x"), "acme-nowhere", SESSION)).toBeNull();
  });

  it("a credential not of this environment's shape starts nothing", () => {
    rememberEntity("acme-us", US);
    expect(startEarlyReads(contextOf("GET", "/entities/acme-us/quotes/qte_x"), "acme-us", { session: "ks_production_x" })).toBeNull();
    expect(startEarlyReads(contextOf("GET", "/entities/acme-us/quotes/qte_x"), "acme-us", { apiKey: "ks_local_wrong_prefix" })).toBeNull();
  });

  it("only the quote routes whose action starts with the quote's read", () => {
    rememberEntity("acme-us", US);
    for (const [method, path] of [
      ["PATCH", "/entities/acme-us/quotes/qte_x"],
      ["POST", "/entities/acme-us/quotes/qte_x"],
      ["GET", "/entities/acme-us/quotes/qte_x/submit"],
      ["GET", "/entities/acme-us/quotes"],
      ["POST", "/entities/acme-us/quotes/qte_x/accept"],
      ["GET", "/entities/acme-us/quotes/qte_x/pdf"],
      ["GET", "/entities/acme-us/customers/cus_x"],
      ["GET", "/entities/acme-us/invoices/inv_x/finalize"],
      ["POST", "/entities/acme-us/invoices/inv_x/send"],
    ] as const) {
      expect(startEarlyReads(contextOf(method, path), "acme-us", SESSION), `${method} ${path}`).toBeNull();
    }
  });

  it("a GET reads the quote once; a second take, another id or the members get nothing", async () => {
    rememberEntity("acme-us", US);
    const early = startEarlyReads(contextOf("GET", `/entities/acme-us/quotes/${quoteId}`), "acme-us", SESSION)!;
    expect(early.quote("qte_other")).toBeUndefined();
    const loaded = await early.quote(quoteId);
    expect(loaded?.quote.title).toBe("Early secret");
    expect(early.quote(quoteId)).toBeUndefined();
    expect(early.members(US.id)).toBeUndefined();
  });

  it("a submit's members come with its own access check, once, for the entity it was granted only", async () => {
    const session = { session: sales.cookie!.slice("kontor_session=".length) };
    const granted = await resolveEntityAccess(env.CONTROL, session, "acme-us", env.ENVIRONMENT, { members: true });
    expect(granted?.entity?.id).toBe(US.id);
    // As entityMembers reads them: the same people, roles and order.
    expect(granted?.members).toEqual(await entityMembers(env.CONTROL, US.id));
    expect(granted?.members?.map((m) => m.userId)).toContain("usr_approver");
    // Not asked for: not read. Not a member of the entity (sales is not in acme-nowhere): none.
    expect((await resolveEntityAccess(env.CONTROL, session, "acme-us", env.ENVIRONMENT))?.members).toBeUndefined();
    const refused = await resolveEntityAccess(env.CONTROL, session, "acme-nowhere", env.ENVIRONMENT, { members: true });
    expect(refused?.entity).toBeNull();
    expect(refused?.members).toBeUndefined();
    // Handed to the action for that entity only, and once.
    const early = grantedEarlyReads(null, US, granted!.members)!;
    expect(early.members("ent_acme_uk")).toBeUndefined();
    expect((await early.members(US.id))?.length).toBe(granted!.members!.length);
    expect(early.members(US.id)).toBeUndefined();
    expect(early.quote(quoteId)).toBeUndefined();
  });

  it("a finalize reads its invoice's rows once; nothing else is read for it", async () => {
    rememberEntity("acme-us", US);
    const early = startEarlyReads(contextOf("POST", `/entities/acme-us/invoices/${DEMO_INVOICE}/finalize`), "acme-us", SESSION)!;
    expect(early.quote(DEMO_INVOICE)).toBeUndefined();
    expect(early.members(US.id)).toBeUndefined();
    expect(early.finalize("inv_other")).toBeUndefined();
    const rows = await early.finalize(DEMO_INVOICE);
    expect(rows?.[0]?.[0]).toMatchObject({ id: DEMO_INVOICE });
    expect(early.finalize(DEMO_INVOICE)).toBeUndefined();
  });

  it("what was read from one entity's database is never granted to a request for another", () => {
    rememberEntity("acme-us", US);
    const early = startEarlyReads(contextOf("GET", `/entities/acme-us/quotes/${quoteId}`), "acme-us", SESSION);
    expect(grantedEarlyReads(early, US)).toBe(early);
    expect(grantedEarlyReads(early, { ...US, id: "ent_acme_uk" })).toBeUndefined();
    expect(grantedEarlyReads(early, { ...US, binding: "ENTITY_ACME_UK" })).toBeUndefined();
    expect(grantedEarlyReads(null, US)).toBeUndefined();
  });
});

describe("early reads — through the API", () => {
  it("after a member's request primed the isolate, a non-member, another entity's member and a bad session still get nothing", async () => {
    expect((await sales.get(`/api/v1/entities/acme-us/quotes/${quoteId}`)).status).toBe(200); // primes acme-us
    const uk = await ApiClient.signIn("uk@acme.test"); // acme-uk only
    const events = async () => (await env.ENTITY_ACME_US.prepare("SELECT MAX(seq) AS seq FROM events").first<{ seq: number }>())!.seq;
    const before = await events();
    for (const res of [
      await uk.get(`/api/v1/entities/acme-us/quotes/${quoteId}`),
      await uk.post(`/api/v1/entities/acme-us/quotes/${quoteId}/submit`),
      await uk.post(`/api/v1/entities/acme-us/quotes/${quoteId}/publish`),
    ]) {
      expectError(res, 404, "entity_not_found");
      expect(JSON.stringify(res.body)).not.toContain("Early secret");
    }
    const forged = new ApiClient();
    forged.cookie = `kontor_session=ks_${env.ENVIRONMENT}_forged`;
    const refused = await forged.get(`/api/v1/entities/acme-us/quotes/${quoteId}`);
    expectError(refused, 401, "unauthenticated");
    expect(JSON.stringify(refused.body)).not.toContain("Early secret");
    expect(await events()).toBe(before);
  });

  it("a submit on the primed isolate answers from a read of this request: the approver's task opens once", async () => {
    const res = await sales.post(`/api/v1/entities/acme-us/quotes/${quoteId}/submit`);
    expect(res.status).toBe(200);
    expect(res.body.approvalStatus).toBe("NOT_REQUIRED"); // two monthly seats: no rule of the demo workflow matches
    const again = await sales.get(`/api/v1/entities/acme-us/quotes/${quoteId}`);
    expect(again.body.rev).toBe(res.body.rev);
  });
});
