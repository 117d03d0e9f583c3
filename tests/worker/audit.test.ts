// GET /audit-log?subjectId= (API.md "audit"): one subject's history, newest first, for every member.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
const UK = "/api/v1/entities/acme-uk";
let admin: ApiClient;
let customer: { id: string; rev: number };

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customer = (await admin.post(`${US}/customers`, { legalName: unique("Audited"), email: "audit@example.test", country: "US" })).body;
  const patched = await admin.patch(`${US}/customers/${customer.id}`, { email: "audit2@example.test" }, { "if-match": `"${customer.rev}"` });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  await admin.post(`${US}/customers/${customer.id}/archive`);
});

describe("audit log — happy paths", () => {
  it("lists one subject's rows newest first, with who did it and what changed", async () => {
    const res = await admin.get(`${US}/audit-log?subjectId=${customer.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((r: any) => r.action)).toEqual(["customer.archived", "customer.updated", "customer.created"]);
    for (const row of res.body.items) {
      expect(row).toMatchObject({ subjectType: "customer", subjectId: customer.id, actor: { type: "user" } });
      expect(Object.keys(row).sort()).toEqual(["action", "actor", "after", "at", "before", "id", "subjectId", "subjectType"]);
    }
    const created = res.body.items[2];
    expect(created.before).toBeNull();
    expect(created.after).toMatchObject({ email: "audit@example.test" });
    expect(res.body.items[1].after).toMatchObject({ email: "audit2@example.test" });
    expect(res.body.pagination.after).toBeNull();
  });

  it("pages with limit and after, without repeats or gaps", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: any = await admin.get(`${US}/audit-log?subjectId=${customer.id}&limit=1${after ? `&after=${after}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      seen.push(res.body.items[0].action);
      after = res.body.pagination.after;
    } while (after);
    expect(seen).toEqual(["customer.archived", "customer.updated", "customer.created"]);
  });

  it("every member reads it, whatever their role", async () => {
    for (const email of ["sales@acme.test", "approver@acme.test", "finance@acme.test"]) {
      const res = await (await ApiClient.signIn(email)).get(`${US}/audit-log?subjectId=${customer.id}`);
      expect(res.status, email).toBe(200);
      expect(res.body.items).toHaveLength(3);
    }
  });
});

describe("audit log — errors", () => {
  it.each([
    ["no subjectId", `${US}/audit-log`, "subjectId"],
    ["an empty subjectId", `${US}/audit-log?subjectId=`, "subjectId"],
    ["limit 0", `${US}/audit-log?subjectId=x&limit=0`, "limit"],
    ["limit 101", `${US}/audit-log?subjectId=x&limit=101`, "limit"],
  ])("refuses %s (400)", async (_, path, field) => {
    const res = await admin.get(path);
    expectError(res, 400, "invalid_request");
    expect(JSON.stringify(res.body.error.details)).toContain(field);
  });

  it("an unknown subject has no rows", async () => {
    const res = await admin.get(`${US}/audit-log?subjectId=cus_nothing_here`);
    expect(res.body).toEqual({ items: [], pagination: { after: null } });
  });
});

describe("audit log — security", () => {
  it("another entity's subject is never visible under this entity", async () => {
    const res = await admin.get(`${UK}/audit-log?subjectId=${customer.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it("a non-member gets 404 and no rows", async () => {
    const uk = await ApiClient.signIn("uk@acme.test");
    expectError(await uk.get(`${US}/audit-log?subjectId=${customer.id}`), 404, "entity_not_found");
  });

  it("without credentials it is 401", async () => {
    expectError(await new ApiClient().get(`${US}/audit-log?subjectId=${customer.id}`), 401);
  });
});
