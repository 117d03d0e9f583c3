// Isolation: another entity's member, a non-member, another entity's API key, a sandbox session,
// a missing binding — nothing leaks and nothing is written.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { openRoom } from "../support/live.ts";
import { sha256Hex } from "../../worker/lib/crypto.ts";

const US = "/api/v1/entities/acme-us/customers";
const UK = "/api/v1/entities/acme-uk/customers";
let admin: ApiClient;
let usCustomer: any;

async function snapshot() {
  const rows = await Promise.all(
    [env.ENTITY_ACME_US, env.ENTITY_ACME_UK, env.ENTITY_ACME_DE].map((db) =>
      db.prepare("SELECT (SELECT COUNT(*) FROM customers) c, (SELECT MAX(seq) FROM events) s, (SELECT COUNT(*) FROM audit_log) a, (SELECT group_concat(rev) FROM customers) r").first(),
    ),
  );
  return JSON.stringify(rows);
}

/** Every customer route, aimed at acme-us data. */
function allRoutes(client: ApiClient, base = US, id = () => usCustomer.id) {
  return [
    () => client.get(base),
    () => client.get(`${base}/${id()}`),
    () => client.post(base, { legalName: "Intruder", email: "i@x.test", country: "US" }),
    () => client.patch(`${base}/${id()}`, { legalName: "Pwned" }),
    () => client.post(`${base}/${id()}/archive`),
    () => client.get(base.replace("/customers", "/events?after=0")),
    () => client.post(base.replace("/customers", "/live-token")),
  ];
}

function expectNoData(res: { status: number; body: any }) {
  expect(JSON.stringify(res.body)).not.toContain(usCustomer.id);
  expect(JSON.stringify(res.body)).not.toContain(usCustomer.legalName);
}

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  usCustomer = (await admin.post(US, { legalName: unique("Secret US Co"), email: "secret@us.test", country: "US" })).body;
});

describe("customers — security", () => {
  it("a member of another entity only gets 404s on acme-us, and nothing is written", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    const before = await snapshot();
    for (const call of allRoutes(uk)) {
      const res = await call();
      expectError(res, 404, "entity_not_found");
      expectNoData(res);
    }
    expect(await snapshot()).toBe(before);
  });

  it("acme-us data is invisible under another entity's path, even to a member of both", async () => {
    const before = await snapshot();
    for (const call of allRoutes(admin, UK)) {
      const res = await call();
      expectNoData(res);
      if (res.status >= 400) expect(res.status).not.toBe(500);
    }
    expectError(await admin.get(`${UK}/${usCustomer.id}`), 404, "not_found");
    expectError(await admin.patch(`${UK}/${usCustomer.id}`, { legalName: "x" }), 404, "not_found");
    expectError(await admin.post(`${UK}/${usCustomer.id}/archive`), 404, "not_found");
    const list = await admin.get(`${UK}?limit=100`);
    expect(list.body.items.every((c: any) => c.id !== usCustomer.id)).toBe(true);
    // the one POST above that was valid created a UK customer — in UK only
    const after = JSON.parse(await snapshot());
    expect(after[0]).toEqual(JSON.parse(before)[0]);
  });

  it("a signed-out or unauthenticated caller gets 401 everywhere", async () => {
    const anonymous = new ApiClient();
    const before = await snapshot();
    for (const call of allRoutes(anonymous)) expectError(await call(), 401, "unauthenticated");
    expectError(await anonymous.get("/api/v1/entities"), 401, "unauthenticated");
    const leaving = await ApiClient.signIn("finance@acme.test");
    const cookie = leaving.cookie;
    expect((await leaving.post("/api/auth/sign-out")).status).toBe(200);
    leaving.cookie = cookie; // replay the old cookie after sign-out
    expectError(await leaving.get(US), 401, "unauthenticated");
    expect(await snapshot()).toBe(before);
  });

  it("another entity's API key gets 404 on acme-us; its own key works only at its role", async () => {
    const ukAdmin = await ApiClient.signIn("uk@acme.test");
    const created = await ukAdmin.post("/api/v1/entities/acme-uk/api-keys", { name: "ci", role: "viewer" });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^kk_local_/);
    const stored = await env.CONTROL.prepare("SELECT key_hash FROM api_keys WHERE id = ?").bind(created.body.id).first<{ key_hash: string }>();
    expect(stored!.key_hash).toBe(await sha256Hex(created.body.key));
    expect(stored!.key_hash).not.toContain(created.body.key);
    const key = ApiClient.withKey(created.body.key);
    const before = await snapshot();
    for (const call of allRoutes(key)) expectError(await call(), 404, "entity_not_found");
    expect((await key.get(UK)).status).toBe(200);
    expectError(await key.post(UK, { legalName: "Viewer Co", email: "v@v.test", country: "GB" }), 403, "forbidden");
    expect(await snapshot()).toBe(before);
    expect((await key.get("/api/v1/entities")).body.items.map((e: any) => e.slug)).toEqual(["acme-uk"]);
    expectError(await ApiClient.withKey("kk_local_forged").get(UK), 401, "unauthenticated");
  });

  it("only admins create API keys", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    expectError(await finance.post("/api/v1/entities/acme-us/api-keys", { name: "x", role: "admin" }), 403, "forbidden");
    const sales = await ApiClient.signIn("sales@acme.test");
    expectError(await sales.post("/api/v1/entities/acme-us/api-keys", { name: "x", role: "admin" }), 403, "forbidden");
  });

  it("roles are enforced: an approver reads customers but cannot write them", async () => {
    const approver = await ApiClient.signIn("approver@acme.test");
    expect((await approver.get(US)).status).toBe(200);
    const before = await snapshot();
    expectError(await approver.post(US, { legalName: "A", email: "a@a.test", country: "US" }), 403, "forbidden");
    expectError(await approver.patch(`${US}/${usCustomer.id}`, { legalName: "A" }), 403, "forbidden");
    expectError(await approver.post(`${US}/${usCustomer.id}/archive`), 403, "forbidden");
    expect(await snapshot()).toBe(before);
    expectError(await approver.get("/api/v1/entities/acme-uk/customers"), 404, "entity_not_found");
  });

  it("a sandbox session never authenticates against local data", async () => {
    const token = "ks_sandbox_stolen-token";
    await env.CONTROL.prepare(
      "INSERT OR IGNORE INTO sessions (id, token_hash, user_id, environment, created_at, expires_at) VALUES ('ses_sandbox', ?, 'usr_admin', 'sandbox', '2026-01-01', '2999-01-01')",
    )
      .bind(await sha256Hex(token))
      .run();
    const sandbox = new ApiClient();
    sandbox.cookie = `kontor_session=${token}`;
    const before = await snapshot();
    for (const call of allRoutes(sandbox)) expectError(await call(), 401, "unauthenticated");
    expect(await snapshot()).toBe(before);
    // The same holds for a sandbox-scoped API key.
    await env.CONTROL.prepare(
      "INSERT OR IGNORE INTO api_keys (id, entity_id, name, role, key_hash, key_prefix, environment, created_by, created_at) VALUES ('key_sandbox', 'ent_acme_us', 'sb', 'admin', ?, 'kk_sandbox', 'sandbox', 'test', '2026-01-01')",
    )
      .bind(await sha256Hex("kk_sandbox_key"))
      .run();
    expectError(await ApiClient.withKey("kk_sandbox_key").get(US), 401, "unauthenticated");
    const { status } = await openRoom("ent_acme_us", { client: sandbox });
    expect(status).toBe(401);
  });

  it("an entity of another environment is not found here", async () => {
    await env.CONTROL.prepare(
      "INSERT OR IGNORE INTO entities (id, slug, name, legal_name, country, currency, timezone, binding, environment, created_at) VALUES ('ent_sb', 'acme-sandbox', 'SB', 'SB', 'US', 'USD', 'UTC', 'ENTITY_SB', 'sandbox', '2026-01-01')",
    ).run();
    await env.CONTROL.prepare("INSERT OR IGNORE INTO memberships (user_id, entity_id, roles, created_at) VALUES ('usr_admin', 'ent_sb', '[\"admin\"]', '2026-01-01')").run();
    expectError(await admin.get("/api/v1/entities/acme-sandbox/customers"), 404, "entity_not_found");
    expect((await admin.get("/api/v1/entities")).body.items.map((e: any) => e.slug)).not.toContain("acme-sandbox");
  });

  it("an entity whose binding is missing answers 503 entity_unavailable, never another entity's data", async () => {
    await env.CONTROL.prepare(
      "INSERT OR IGNORE INTO entities (id, slug, name, legal_name, country, currency, timezone, binding, environment, created_at) VALUES ('ent_ghost', 'ghost', 'Ghost', 'Ghost', 'US', 'USD', 'UTC', 'ENTITY_GHOST', 'local', '2026-01-01')",
    ).run();
    await env.CONTROL.prepare("INSERT OR IGNORE INTO memberships (user_id, entity_id, roles, created_at) VALUES ('usr_admin', 'ent_ghost', '[\"admin\"]', '2026-01-01')").run();
    const res = await admin.get("/api/v1/entities/ghost/customers");
    expectError(res, 503, "entity_unavailable");
    expectNoData(res);
  });

  it("cross-site requests with the session cookie are refused and write nothing", async () => {
    const before = await snapshot();
    const body = { legalName: "CSRF", email: "c@c.test", country: "US" };
    expectError(await admin.post(US, body, { origin: "https://evil.test" }), 403, "csrf_rejected");
    expectError(await admin.post(US, body, { origin: "null" }), 403, "csrf_rejected");
    const noOrigin = new ApiClient();
    noOrigin.cookie = admin.cookie;
    noOrigin.headers = { origin: "" };
    expectError(await noOrigin.request("POST", US, body, { "sec-fetch-site": "cross-site", origin: undefined as never }), 403);
    expect(await snapshot()).toBe(before);
  });

  it("failed sign-ins are rate limited with 429 and Retry-After", async () => {
    const email = `${unique("nobody")}@acme.test`;
    const anonymous = new ApiClient();
    for (let i = 0; i < 5; i++) expectError(await anonymous.post("/api/auth/sign-in/email", { email, password: "wrong" }), 401, "invalid_credentials");
    const limited = await anonymous.post("/api/auth/sign-in/email", { email, password: "wrong" });
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("passwords are stored as slow PBKDF2 hashes and the cookie is HttpOnly, SameSite=Lax", async () => {
    const row = await env.CONTROL.prepare("SELECT password_hash FROM users WHERE email = 'admin@acme.test'").first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    const res = await new ApiClient().request("POST", "/api/auth/sign-in/email", { email: "admin@acme.test", password: "kontor-demo-password" });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});
