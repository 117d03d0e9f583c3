// The Worker's tests reach the Node-side Xero fake at the URL the Worker's XERO_* vars name.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("Xero fake from workerd", () => {
  it("answers at XERO_API_URL and records what it received", async () => {
    const created = await fetch(`${env.XERO_API_URL}/__tenants`, { method: "POST", body: JSON.stringify({ name: "Reachability Ltd" }) });
    expect(created.status).toBe(201);
    const { tenantId } = (await created.json()) as { tenantId: string };
    const refused = await fetch(`${env.XERO_API_URL}/api.xro/2.0/Accounts`, { headers: { "xero-tenant-id": tenantId } });
    expect(refused.status).toBe(401);
    const log = (await (await fetch(`${env.XERO_API_URL}/__requests?path=/api.xro`)).json()) as { items: { path: string; status: number }[] };
    expect(log.items.some((r) => r.path === "/api.xro/2.0/Accounts" && r.status === 401)).toBe(true);
  });
});
