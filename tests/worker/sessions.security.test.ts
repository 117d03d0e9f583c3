// Issue 10, "Hardening before money moves": sessions end everywhere at once, the sign-in limit holds
// under parallel guessing, no secret is stored in plaintext and keys can be revoked, idempotency
// keys expire cleanly. Each test failed on the code before its fix.
import { createExecutionContext, createScheduledController, env, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { removeMembership } from "../../worker/actions/access.ts";
import { newId, sha256Hex } from "../../worker/lib/crypto.ts";
import { roomsOf } from "../../worker/live.ts";
import worker from "../../worker/index.ts";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { sendOps } from "../support/coedit.ts";
import { joinRoom, openRoom } from "../support/live.ts";

const US = "/api/v1/entities/acme-us";
const UK = "/api/v1/entities/acme-uk";
const SIGN_IN = "/api/auth/sign-in/email";
const PASSWORD = "kontor-demo-password";
let admin: ApiClient;
let customerId: string;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (await admin.post(`${US}/customers`, { legalName: unique("Sessions Co"), email: "s@example.test", country: "US" })).body.id;
});

/** A user of their own (so locking or signing them out touches no other test), a member of acme-us. */
async function newMember(roles: string[] = ["sales"], entityId = "ent_acme_us") {
  const email = `${unique("member")}@acme.test`;
  const id = newId("usr");
  const { password_hash } = (await env.CONTROL.prepare("SELECT password_hash FROM users WHERE email = 'admin@acme.test'").first<{ password_hash: string }>())!;
  const now = new Date().toISOString();
  await env.CONTROL.batch([
    env.CONTROL.prepare("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)").bind(id, email, email, password_hash, now),
    env.CONTROL.prepare("INSERT INTO memberships (user_id, entity_id, roles, created_at) VALUES (?, ?, ?, ?)").bind(id, entityId, JSON.stringify(roles), now),
  ]);
  return { id, email };
}

async function sessionIdOf(client: ApiClient): Promise<string> {
  const token = /kontor_session=(.*)/.exec(client.cookie!)![1];
  return (await env.CONTROL.prepare("SELECT id FROM sessions WHERE token_hash = ?").bind(await sha256Hex(token)).first<{ id: string }>())!.id;
}

const newQuote = async () => (await admin.post(`${US}/quotes`, { customerId, title: unique("Q"), currency: "USD", lines: [] })).body;
const created = (id: string) => (m: any) => m.type === "event" && m.kind === "customer.created" && m.subject.id === id;
const room = () => env.EntityRoom.get(env.EntityRoom.idFromName("ent_acme_us"));

describe("1. a session ends everywhere at once", () => {
  it("sign-out closes the session's sockets, and an event committed after it does not reach them", async () => {
    const member = await newMember();
    const user = await ApiClient.signIn(member.email);
    const other = await ApiClient.signIn(member.email); // the same user's other session stays
    const live = await joinRoom("ent_acme_us", user, "acme-us");
    const otherLive = await joinRoom("ent_acme_us", other, "acme-us");
    const bystander = await joinRoom("ent_acme_us", admin, "acme-us");
    expect((await user.post("/api/auth/sign-out")).status).toBe(200);
    expect(await live.waitClosed()).toBe(4001);
    const after = await admin.post(`${US}/customers`, { legalName: unique("After sign-out"), email: "a@example.test", country: "US" });
    await bystander.waitFor(created(after.body.id));
    await otherLive.waitFor(created(after.body.id));
    expect(live.messages.some(created(after.body.id))).toBe(false);
    expect(otherLive.closed).toBe(false);
    bystander.close();
    otherLive.close();
  });

  it("an op from a session that ended behind the room's back is refused and not committed", async () => {
    const member = await newMember();
    const user = await ApiClient.signIn(member.email);
    const quote = await newQuote();
    const live = await joinRoom("ent_acme_us", user, "acme-us");
    // The room is not told (a lost RPC, say): the op path itself must see that the session is gone.
    await env.CONTROL.prepare("DELETE FROM sessions WHERE id = ?").bind(await sessionIdOf(user)).run();
    const { answer } = await sendOps(live, quote.id, quote.rev, [{ op: "set", field: "title", value: "From a dead session" }]);
    expect(answer).toMatchObject({ type: "reject", error: { code: "unauthenticated" } });
    expect(await live.waitClosed()).toBe(4001);
    expect((await admin.get(`${US}/quotes/${quote.id}`)).body).toMatchObject({ rev: quote.rev, title: quote.title });
  });

  it("a socket past its session's expiry is closed by the room's alarm", async () => {
    const member = await newMember();
    const user = await ApiClient.signIn(member.email);
    const live = await joinRoom("ent_acme_us", user, "acme-us");
    await env.CONTROL.prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").bind(await sessionIdOf(user)).run();
    expect(await runDurableObjectAlarm(room())).toBe(true);
    expect(await live.waitClosed()).toBe(4001);
    // a later socket keeps the room's alarm set
    const bystander = await joinRoom("ent_acme_us", admin, "acme-us");
    expect(await runDurableObjectAlarm(room())).toBe(true);
    expect(bystander.closed).toBe(false);
    bystander.close();
  });

  it("removing a membership closes that user's sockets in that entity and is audited", async () => {
    const member = await newMember(["sales"]);
    await env.CONTROL.prepare("INSERT INTO memberships (user_id, entity_id, roles, created_at) VALUES (?, 'ent_acme_uk', '[\"sales\"]', '2026-01-01')").bind(member.id).run();
    const user = await ApiClient.signIn(member.email);
    const live = await joinRoom("ent_acme_us", user, "acme-us");
    const ukLive = await joinRoom("ent_acme_uk", user, "acme-uk");
    const cp = { control: env.CONTROL, environment: "local" as const, rooms: roomsOf(env) };
    expect(await removeMembership(cp, { userId: member.id, entityId: "ent_acme_us" }, { actor: { type: "user", id: "usr_admin", name: "Admin" }, requestId: null })).toBe(true);
    expect(await live.waitClosed()).toBe(4001);
    expectError(await user.get(`${US}/customers`), 404, "entity_not_found");
    expect((await user.get(`${UK}/customers`)).status).toBe(200);
    expect(ukLive.closed).toBe(false);
    const audit = await env.CONTROL.prepare("SELECT action FROM control_audit WHERE subject_id = ?").bind(`${member.id}:ent_acme_us`).first<{ action: string }>();
    expect(audit?.action).toBe("membership.removed");
    // a second removal finds nothing and writes nothing
    expect(await removeMembership(cp, { userId: member.id, entityId: "ent_acme_us" }, { actor: { type: "user", id: "usr_admin", name: "Admin" }, requestId: null })).toBe(false);
    ukLive.close();
  });

  it("a live token opens one socket only", async () => {
    const token = (await admin.post(`${US}/live-token`)).body.token;
    const first = await openRoom("ent_acme_us", { token, origin: null });
    expect(first.status).toBe(101);
    expect((await openRoom("ent_acme_us", { token, origin: null })).status).toBe(401);
    first.live!.close();
  });

  it("a live token dies with its session", async () => {
    const member = await newMember();
    const user = await ApiClient.signIn(member.email);
    const token = (await user.post(`${US}/live-token`)).body.token;
    await user.post("/api/auth/sign-out");
    expect((await openRoom("ent_acme_us", { token, origin: null })).status).toBe(401);
  });
});

describe("2. the sign-in limit holds under parallel guessing", () => {
  it("25 parallel wrong passwords: at least 20 are refused with 429", async () => {
    const { email } = await newMember();
    const results = await Promise.all(Array.from({ length: 25 }, () => new ApiClient().post(SIGN_IN, { email, password: "wrong" })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // the right password does not get through the lockout either
    expectError(await new ApiClient().post(SIGN_IN, { email, password: PASSWORD }), 429, "rate_limited");
  });

  it("a client-sent CF-Connecting-IP or X-Forwarded-For does not reset the count", async () => {
    const { email } = await newMember();
    for (let i = 0; i < 5; i++) expectError(await new ApiClient().post(SIGN_IN, { email, password: "wrong" }), 401, "invalid_credentials");
    expectError(await new ApiClient().post(SIGN_IN, { email, password: "wrong" }, { "cf-connecting-ip": "203.0.113.7" }), 429, "rate_limited");
    expectError(await new ApiClient().post(SIGN_IN, { email, password: "wrong" }, { "x-forwarded-for": "198.51.100.9" }), 429, "rate_limited");
  });

  it("a successful sign-in clears the count", async () => {
    const { email } = await newMember();
    for (let i = 0; i < 4; i++) expectError(await new ApiClient().post(SIGN_IN, { email, password: "wrong" }), 401, "invalid_credentials");
    expect((await new ApiClient().post(SIGN_IN, { email, password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < 5; i++) expectError(await new ApiClient().post(SIGN_IN, { email, password: "wrong" }), 401, "invalid_credentials");
    expectError(await new ApiClient().post(SIGN_IN, { email, password: "wrong" }), 429, "rate_limited");
  });
});

/** Every table of the control plane and of every entity database, as text. */
async function everything(): Promise<string> {
  const parts: string[] = [];
  for (const db of [env.CONTROL, env.ENTITY_ACME_US, env.ENTITY_ACME_UK, env.ENTITY_ACME_DE]) {
    const tables = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
    for (const { name } of tables.results) parts.push(JSON.stringify((await db.prepare(`SELECT * FROM "${name}"`).all()).results));
  }
  return parts.join("\n");
}

async function expectNowhere(...secrets: string[]) {
  const all = await everything();
  for (const secret of secrets) {
    expect(all.includes(secret), `plaintext found in the databases: ${secret.slice(0, 12)}…`).toBe(false);
    expect(all.includes(secret.slice(16)), "the secret part of a key found in the databases").toBe(false);
  }
}

describe("3. no secret is stored in plaintext, and keys can be revoked", () => {
  it("no key route leaves the key in any table; a replay is redacted", async () => {
    const plain = await admin.post(`${US}/api-keys`, { name: unique("plain"), role: "viewer" });
    expect(plain.status).toBe(201);
    await expectNowhere(plain.body.key);

    const idem = unique("idem");
    const first = await admin.post(`${US}/api-keys`, { name: "with idempotency", role: "viewer" }, { "idempotency-key": idem });
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(/^kk_local_/);
    await expectNowhere(plain.body.key, first.body.key);
    const replay = await admin.post(`${US}/api-keys`, { name: "with idempotency", role: "viewer" }, { "idempotency-key": idem });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toMatchObject({ id: first.body.id, key: null, redacted: true, prefix: first.body.prefix });
    await expectNowhere(plain.body.key, first.body.key);

    const list = await admin.get(`${US}/api-keys?limit=100`);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((k: any) => k.id === first.body.id);
    expect(Object.keys(listed).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix", "role"]);
    expect(listed).toMatchObject({ name: "with idempotency", role: "viewer", prefix: first.body.key.slice(0, 16), lastUsedAt: null, expiresAt: null });
    expect(JSON.stringify(list.body)).not.toContain(first.body.key);

    const revoked = await admin.request("DELETE", `${US}/api-keys/${first.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: first.body.id, revokedAt: expect.any(String) });
    await expectNowhere(plain.body.key, first.body.key);

    // a live token is a secret too
    const tokenIdem = unique("token");
    const token = await admin.post(`${US}/live-token`, {}, { "idempotency-key": tokenIdem });
    const tokenReplay = await admin.post(`${US}/live-token`, {}, { "idempotency-key": tokenIdem });
    expect(tokenReplay.body).toMatchObject({ token: null, redacted: true, expiresAt: token.body.expiresAt });
    expect(await everything()).not.toContain(token.body.token);
  });

  it("concurrent creations with one Idempotency-Key make one key; the others wait for it or replay it", async () => {
    const idem = unique("race");
    const name = unique("raced key");
    const answers = await Promise.all(Array.from({ length: 8 }, () => admin.post(`${US}/api-keys`, { name, role: "viewer" }, { "idempotency-key": idem })));
    const created = answers.filter((a) => a.status === 201 && a.body.key);
    expect(created.length).toBe(1);
    for (const a of answers.filter((x) => x !== created[0])) {
      if (a.status === 201) expect(a.body).toMatchObject({ id: created[0].body.id, key: null, redacted: true });
      else expectError(a, 409, "idempotency_key_in_use");
    }
    const keys = (await admin.get(`${US}/api-keys?limit=100`)).body.items.filter((k: any) => k.name === name);
    expect(keys.length).toBe(1);
    // Once the first has answered, the key replays.
    const after = await admin.post(`${US}/api-keys`, { name, role: "viewer" }, { "idempotency-key": idem });
    expect(after.status).toBe(201);
    expect(after.body).toMatchObject({ id: created[0].body.id, key: null, redacted: true });
  });

  it("a failed creation does not hold its Idempotency-Key", async () => {
    const idem = unique("fail");
    const sales = await ApiClient.signIn("sales@acme.test");
    expectError(await sales.post(`${US}/api-keys`, { name: unique("nope"), role: "viewer" }, { "idempotency-key": idem }), 403, "forbidden");
    const bad = await admin.post(`${US}/api-keys`, { name: "", role: "viewer" }, { "idempotency-key": idem });
    expect(bad.status).toBe(400);
    const good = await admin.post(`${US}/api-keys`, { name: unique("after a failure"), role: "viewer" }, { "idempotency-key": idem });
    expect(good.status).toBe(201);
    expect(good.body.key).toMatch(/^kk_local_/);
  });

  it("a revoked key stops at once, and its open sockets close", async () => {
    const created = await admin.post(`${US}/api-keys`, { name: unique("to revoke"), role: "admin" });
    const key = ApiClient.withKey(created.body.key);
    expect((await key.get(`${US}/customers`)).status).toBe(200);
    const token = (await key.post(`${US}/live-token`)).body.token;
    const { live } = await openRoom("ent_acme_us", { token, origin: null });
    expect(live).not.toBeNull();
    const list = await admin.get(`${US}/api-keys?limit=100`);
    expect(list.body.items.some((k: any) => k.id === created.body.id)).toBe(true);
    expect((await admin.request("DELETE", `${US}/api-keys/${created.body.id}`)).status).toBe(200);
    expectError(await key.get(`${US}/customers`), 401, "unauthenticated");
    expectError(await key.get("/api/v1/entities"), 401, "unauthenticated");
    expect(await live!.waitClosed()).toBe(4001);
    expect((await admin.get(`${US}/api-keys?limit=100`)).body.items.some((k: any) => k.id === created.body.id)).toBe(false);
    expectError(await admin.request("DELETE", `${US}/api-keys/${created.body.id}`), 404, "not_found");
    const audit = await env.CONTROL.prepare("SELECT action FROM control_audit WHERE subject_id = ? ORDER BY at").bind(created.body.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("a key of another entity cannot be revoked under this one", async () => {
    const uk = await admin.post(`${UK}/api-keys`, { name: unique("uk"), role: "viewer" });
    expectError(await admin.request("DELETE", `${US}/api-keys/${uk.body.id}`), 404, "not_found");
    expect((await ApiClient.withKey(uk.body.key).get(`${UK}/customers`)).status).toBe(200);
  });

  it("an expired key no longer authenticates; an expiry in the past is refused", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await admin.post(`${US}/api-keys`, { name: unique("expiring"), role: "viewer", expiresAt });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(expiresAt);
    const key = ApiClient.withKey(created.body.key);
    expect((await key.get(`${US}/customers`)).status).toBe(200);
    await env.CONTROL.prepare("UPDATE api_keys SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").bind(created.body.id).run();
    expectError(await key.get(`${US}/customers`), 401, "unauthenticated");
    expectError(await key.get("/api/v1/entities"), 401, "unauthenticated");
    const past = await admin.post(`${US}/api-keys`, { name: "past", role: "viewer", expiresAt: "2000-01-01T00:00:00Z" });
    expectError(past, 400, "invalid_request");
    expect(past.body.error.details[0].path).toBe("expiresAt");
  });

  it("a key cannot create, list or revoke keys, whatever its role", async () => {
    const created = await admin.post(`${US}/api-keys`, { name: unique("admin key"), role: "admin" });
    const key = ApiClient.withKey(created.body.key);
    const before = (await env.CONTROL.prepare("SELECT COUNT(*) n FROM api_keys").first<{ n: number }>())!.n;
    expectError(await key.post(`${US}/api-keys`, { name: "child", role: "admin" }), 403, "forbidden");
    expectError(await key.get(`${US}/api-keys`), 403, "forbidden");
    expectError(await key.request("DELETE", `${US}/api-keys/${created.body.id}`), 403, "forbidden");
    expect((await env.CONTROL.prepare("SELECT COUNT(*) n FROM api_keys").first<{ n: number }>())!.n).toBe(before);
    expect((await key.get(`${US}/customers`)).status).toBe(200);
    const finance = await ApiClient.signIn("finance@acme.test");
    expectError(await finance.get(`${US}/api-keys`), 403, "forbidden");
  });

  it.each([`${US}/customers`, "/api/v1/me"])("lastUsedAt is recorded when a key is used (%s)", async (path) => {
    const created = await admin.post(`${US}/api-keys`, { name: unique("used"), role: "viewer" });
    expect((await ApiClient.withKey(created.body.key).get(path)).status).toBe(200);
    // written after the response (waitUntil): wait for it, with a deadline
    const deadline = Date.now() + 10_000;
    let lastUsedAt: string | null = null;
    while (!lastUsedAt && Date.now() < deadline) {
      lastUsedAt = (await admin.get(`${US}/api-keys?limit=100`)).body.items.find((k: any) => k.id === created.body.id)?.lastUsedAt ?? null;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastUsedAt).toEqual(expect.any(String));
  });

  it("the key routes are in the OpenAPI document", async () => {
    const doc = (await new ApiClient().get("/api/v1/openapi.json")).body;
    const keys = doc.paths["/api/v1/entities/{entity}/api-keys"];
    expect(Object.keys(keys).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/api/v1/entities/{entity}/api-keys/{id}"].delete).toBeDefined();
    expect(Object.keys(doc.components.schemas.CreateApiKey.properties)).toContain("expiresAt");
    expect(Object.keys(doc.components.schemas.ApiKey.properties).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix", "role"]);
  });
});

describe("4. idempotency keys expire cleanly", () => {
  const expire = (db: D1Database, key: string) => db.prepare("UPDATE idempotency_keys SET expires_at = '2000-01-01T00:00:00.000Z' WHERE key = ?").bind(key).run();

  it("a key past its 24 h is a fresh request, in a change batch and after the fact", async () => {
    const key = unique("idem");
    const first = await admin.post(`${US}/customers`, { legalName: unique("First"), email: "f@example.test", country: "US" }, { "idempotency-key": key });
    expect(first.status).toBe(201);
    await expire(env.ENTITY_ACME_US, key);
    const second = await admin.post(`${US}/customers`, { legalName: unique("Second"), email: "f@example.test", country: "US" }, { "idempotency-key": key });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    const third = await admin.post(`${US}/customers`, { legalName: "anything", email: "f@example.test", country: "US" }, { "idempotency-key": key });
    expectError(third, 422, "idempotency_key_reused");

    const tokenKey = unique("token");
    const token = await admin.post(`${US}/live-token`, {}, { "idempotency-key": tokenKey });
    await expire(env.ENTITY_ACME_US, tokenKey);
    const fresh = await admin.post(`${US}/live-token`, {}, { "idempotency-key": tokenKey });
    expect(fresh.status).toBe(201);
    expect(fresh.body.token).toMatch(/^kl_/);
    expect(fresh.body.token).not.toBe(token.body.token);
    const replayed = await admin.post(`${US}/live-token`, {}, { "idempotency-key": tokenKey });
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.body.expiresAt).toBe(fresh.body.expiresAt);
  });

  it("the scheduled handler purges expired rows of every entity and of the control plane, and keeps live ones", async () => {
    const past = "2000-01-01T00:00:00.000Z";
    const future = "2999-01-01T00:00:00.000Z";
    const tag = unique("purge");
    const idem = (db: D1Database, key: string, expiresAt: string) =>
      db.prepare("INSERT INTO idempotency_keys (principal, key, method, path, body_hash, status, response, created_at, expires_at) VALUES ('test', ?, 'POST', '/x', 'h', 201, '{}', ?, ?)").bind(key, past, expiresAt).run();
    for (const db of [env.ENTITY_ACME_US, env.ENTITY_ACME_UK, env.ENTITY_ACME_DE]) {
      await idem(db, `${tag}-old`, past);
      await idem(db, `${tag}-live`, future);
    }
    await env.CONTROL.batch([
      env.CONTROL.prepare("INSERT INTO live_tokens (token_hash, entity_id, principal, expires_at, session_id) VALUES (?, 'ent_acme_us', '{}', ?, '')").bind(`${tag}-old`, past),
      env.CONTROL.prepare("INSERT INTO live_tokens (token_hash, entity_id, principal, expires_at, session_id) VALUES (?, 'ent_acme_us', '{}', ?, '')").bind(`${tag}-live`, future),
      env.CONTROL.prepare("INSERT INTO sessions (id, token_hash, user_id, environment, created_at, expires_at) VALUES (?, ?, 'usr_admin', 'local', ?, ?)").bind(`${tag}-old`, `${tag}-old`, past, past),
      env.CONTROL.prepare("INSERT INTO sessions (id, token_hash, user_id, environment, created_at, expires_at) VALUES (?, ?, 'usr_admin', 'local', ?, ?)").bind(`${tag}-live`, `${tag}-live`, past, future),
      env.CONTROL.prepare("INSERT INTO sign_in_failures (key, window_start, failures) VALUES (?, 0, 3)").bind(`${tag}-old`),
      env.CONTROL.prepare("INSERT INTO sign_in_failures (key, window_start, failures) VALUES (?, ?, 3)").bind(`${tag}-live`, Date.now()),
    ]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: new Date() }), env, ctx);
    await waitOnExecutionContext(ctx);
    for (const db of [env.ENTITY_ACME_US, env.ENTITY_ACME_UK, env.ENTITY_ACME_DE]) {
      const keys = await db.prepare("SELECT key FROM idempotency_keys WHERE key LIKE ? ORDER BY key").bind(`${tag}-%`).all<{ key: string }>();
      expect(keys.results.map((r) => r.key)).toEqual([`${tag}-live`]);
    }
    for (const [table, column] of [["live_tokens", "token_hash"], ["sessions", "id"], ["sign_in_failures", "key"]]) {
      const rows = await env.CONTROL.prepare(`SELECT ${column} AS k FROM ${table} WHERE ${column} LIKE ?`).bind(`${tag}-%`).all<{ k: string }>();
      expect(rows.results.map((r) => r.k), table).toEqual([`${tag}-live`]);
    }
  });
});
