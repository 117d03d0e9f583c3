// A route asks the Xero sync queue for a pass only when its batch put something in line: the PENDING
// inserts are counted statements (db/changes.ts addCounted), and commit marks the context when they
// changed rows. An entity that is not connected sends no message.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { commit, type ActionContext } from "../../worker/actions/context.ts";
import { synced } from "../../worker/api/respond.ts";
import { ChangeSet } from "../../worker/db/changes.ts";
import { findEntity } from "../../worker/db/control.ts";
import type { Env } from "../../worker/env.ts";
import { markSyncPending } from "../../worker/integrations/xero/sync-queue.ts";
import { newId } from "../../worker/lib/crypto.ts";

const db = () => env.ENTITY_ACME_DE as D1Database;
const actor = { type: "system" as const, id: "test", name: "Test" };

async function contextOf(marked?: { sync: boolean }): Promise<ActionContext> {
  const entity = (await findEntity(env.CONTROL, "ent_acme_de", "local"))!;
  return { entity, db: db(), actor, requestId: null, origin: null, marked };
}

function sentTo() {
  const sent: unknown[] = [];
  return { sent, env: { XERO_SYNC: { send: async (body: unknown) => void sent.push(body) } } as unknown as Env };
}

describe("sync marks", () => {
  it("counts the rows its counted statements changed, and only theirs", async () => {
    const changes = new ChangeSet(db(), actor, null);
    const id = newId("t");
    changes.add(db().prepare("INSERT INTO counters (name, value) VALUES (?, 1)").bind(`${id}_plain`));
    changes.addCounted(db().prepare("INSERT INTO counters (name, value) VALUES (?, 1)").bind(`${id}_a`));
    changes.addCounted(db().prepare("UPDATE counters SET value = 2 WHERE name = ?").bind(`${id}_none`));
    changes.addCounted(db().prepare("INSERT INTO counters (name, value) VALUES (?, 1), (?, 1)").bind(`${id}_b`, `${id}_c`));
    await changes.commit();
    expect(changes.countedChanges).toBe(3);
  });

  it("an entity without a Xero connection: the batch marks nothing and no sync message is sent", async () => {
    const ctx = await contextOf({ sync: false });
    const changes = new ChangeSet(db(), actor, null);
    markSyncPending(changes, { type: "invoice", id: newId("inv") });
    const { sent, env: fake } = sentTo();
    await synced(fake, ctx, commit(ctx, changes, "done"));
    expect(ctx.marked).toEqual({ sync: false });
    expect(sent).toEqual([]);
  });

  it("a connected entity: one statement marks each object PENDING, an earlier failure cleared", async () => {
    const ctx = await contextOf({ sync: false });
    const at = new Date().toISOString();
    const [contact, invoice] = [newId("cus"), newId("inv")];
    await db().batch([
      db().prepare("DELETE FROM integration_connections"),
      db()
        .prepare(
          "INSERT INTO integration_connections (provider, environment, tenant_id, tenant_name, connection_id, state, access_token, refresh_token, access_expires_at, scopes, token_version, connected_by, connected_at, updated_at) VALUES ('xero', 'local', 't', 'T', 'c', 'CONNECTED', 'a', 'r', ?1, '', 1, 'usr_admin', ?1, ?1)",
        )
        .bind(at),
      db().prepare("INSERT INTO sync_objects (provider, object_type, object_id, state, error, updated_at) VALUES ('xero', 'contact', ?, 'FAILED', 'no', '2026-01-01T00:00:00.000Z')").bind(contact),
    ]);
    try {
      const changes = new ChangeSet(db(), actor, null);
      markSyncPending(changes, { type: "contact", id: contact }, { type: "invoice", id: invoice });
      await commit(ctx, changes, "done");
      expect(ctx.marked).toEqual({ sync: true });
      expect(changes.countedChanges).toBe(2);
      const rows = await db().prepare("SELECT object_type, state, error FROM sync_objects WHERE object_id IN (?, ?) ORDER BY object_type").bind(contact, invoice).all();
      expect(rows.results).toEqual([
        { object_type: "contact", state: "PENDING", error: null },
        { object_type: "invoice", state: "PENDING", error: null },
      ]);
    } finally {
      await db().prepare("DELETE FROM integration_connections").run();
    }
  });

  it("a marked batch sends one message; a context that cannot tell sends one too", async () => {
    const marked = await contextOf({ sync: true });
    const unknown = await contextOf();
    const { sent, env: fake } = sentTo();
    await synced(fake, marked, Promise.resolve("done"));
    await synced(fake, unknown, Promise.resolve("done"));
    expect(sent).toEqual([{ entityId: "ent_acme_de" }, { entityId: "ent_acme_de" }]);
  });
});
