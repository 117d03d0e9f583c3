import { describe, expect, it } from "vitest";
import { ApiClient, unique } from "../support/client.ts";

describe("customers — happy paths", () => {
  it("health answers ok", async () => {
    const res = await new ApiClient().get("/api/v1/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("creates, gets, lists, patches and archives a customer", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    const name = unique("Hooli");
    const created = await admin.post("/api/v1/entities/acme-us/customers", {
      legalName: name,
      email: "ap@hooli.test",
      country: "US",
      address: { line1: "1 Hacker Way", city: "Palo Alto", region: "CA", postalCode: "94301", country: "US" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ legalName: name, currency: "USD", taxStatus: "TAXED", rev: 1, archivedAt: null });

    const got = await admin.get(`/api/v1/entities/ent_acme_us/customers/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const listed = await admin.get(`/api/v1/entities/acme-us/customers?q=${encodeURIComponent(name.toLowerCase())}`);
    expect(listed.body.items.map((c: any) => c.id)).toEqual([created.body.id]);

    const patched = await admin.patch(`/api/v1/entities/acme-us/customers/${created.body.id}`, { email: "billing@hooli.test" }, { "if-match": '"1"' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ email: "billing@hooli.test", rev: 2 });

    const archived = await admin.post(`/api/v1/entities/acme-us/customers/${created.body.id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    const hidden = await admin.get(`/api/v1/entities/acme-us/customers?q=${encodeURIComponent(name.toLowerCase())}`);
    expect(hidden.body.items).toEqual([]);

    const events = await admin.get(`/api/v1/entities/acme-us/events?after=0&limit=100`);
    const mine = events.body.items.filter((e: any) => e.subject.id === created.body.id).map((e: any) => e.kind);
    expect(mine).toEqual(["customer.created", "customer.updated", "customer.archived"]);
  });
});
