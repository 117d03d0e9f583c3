// Approvals at the size of a real team: a step of a dozen approvers (tasks and closes stay within
// D1's bound-parameter limit), all deciding at once, and quote lists of a full page.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../worker/lib/crypto.ts";
import { DEMO_PASSWORD } from "../../worker/seed.ts";
import { ApiClient } from "../support/client.ts";
import { draft, setUp, US, type Clients } from "../support/tasks.ts";

const TEAM = 12;
let c: Clients;
let team: ApiClient[];

beforeAll(async () => {
  c = await setUp();
  const hash = await hashPassword(DEMO_PASSWORD);
  const now = new Date().toISOString();
  await env.CONTROL.batch(
    Array.from({ length: TEAM }, (_, i) => [
      env.CONTROL.prepare("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)").bind(`usr_team${i}`, `team${i}@acme.test`, `Team ${String(i).padStart(2, "0")}`, hash, now),
      env.CONTROL.prepare("INSERT INTO memberships (user_id, entity_id, roles, created_at) VALUES (?, 'ent_acme_us', '[\"approver\"]', ?)").bind(`usr_team${i}`, now),
    ]).flat(),
  );
  team = await Promise.all(Array.from({ length: TEAM }, (_, i) => ApiClient.signIn(`team${i}@acme.test`)));
});

describe("approvals at scale", () => {
  it("an ALL step of 13 approvers, all approving at once: every task APPROVED, the quote approved once", async () => {
    const quote = await draft(c, { discount: "15" }); // "All of two": role approver + usr_finance, now 14 people
    const submitted = await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const tasks = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}`)).body.items;
    expect(tasks).toHaveLength(TEAM + 2);
    const deciders = [...team, c.approver, c.finance];
    const results = await Promise.all(deciders.map((client, i) => client.post(`${US}/tasks/${tasks.find((t: any) => t.assigneeUserId === (i < TEAM ? `usr_team${i}` : i === TEAM ? "usr_approver" : "usr_finance")).id}/approve`, {})));
    expect(results.map((r) => r.status)).toEqual(deciders.map(() => 200));
    expect((await c.admin.get(`${US}/tasks?quoteId=${quote.id}`)).body.items.map((t: any) => t.status)).toEqual(tasks.map(() => "APPROVED"));
    const approvedEvents = await env.ENTITY_ACME_US.prepare("SELECT COUNT(*) n FROM events WHERE kind = 'quote.approved' AND subject_id = ?").bind(quote.id).first<{ n: number }>();
    expect(approvedEvents!.n).toBe(1);
  });

  it("an ANY step of 13: the first decides, twelve SUPERSEDED in one batch; a withdraw cancels 14 at once", async () => {
    const quote = await draft(c, { discount: "8" }); // "Big discount": role approver
    await c.sales.post(`${US}/quotes/${quote.id}/submit`);
    const tasks = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}`)).body.items;
    expect(tasks).toHaveLength(TEAM + 1);
    expect((await team[3].post(`${US}/tasks/${tasks.find((t: any) => t.assigneeUserId === "usr_team3").id}/approve`, {})).status).toBe(200);
    const after = (await c.admin.get(`${US}/tasks?quoteId=${quote.id}`)).body.items.map((t: any) => t.status);
    expect(after.filter((s: string) => s === "SUPERSEDED")).toHaveLength(TEAM);

    const other = await draft(c, { discount: "15" });
    await c.sales.post(`${US}/quotes/${other.id}/submit`);
    expect((await c.sales.post(`${US}/quotes/${other.id}/withdraw`)).status).toBe(200);
    expect((await c.admin.get(`${US}/tasks?quoteId=${other.id}`)).body.items.map((t: any) => t.status)).toEqual(Array(TEAM + 2).fill("CANCELLED"));
  });

  it("a full page of quotes with their approvals lists in one go", async () => {
    const existing = (await c.sales.get(`${US}/quotes?limit=100`)).body.items.length;
    await Promise.all(Array.from({ length: Math.max(0, 100 - existing) }, () => draft(c)));
    const page = await c.sales.get(`${US}/quotes?limit=100`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.items).toHaveLength(100);
    expect(page.body.items.every((q: any) => typeof q.approvalRequired === "boolean")).toBe(true);
  });
});
