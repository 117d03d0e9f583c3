// The fake's rate limits (60 a minute and 5,000 a day per tenant) on an injected clock, and /__fail.
import { describe, expect, it } from "vitest";
import { createXeroFake, DEFAULT_TENANTS, LIMITS } from "./xero/index.ts";
import { api, connect, ORIGIN } from "./xero/testing.ts";

const [UK, US] = [DEFAULT_TENANTS[0]!.id, DEFAULT_TENANTS[1]!.id];

describe("Xero fake: limits and failures", () => {
  it("allows 60 calls a minute per tenant, then 429 with Retry-After, and counts each tenant apart", async () => {
    let t = Date.parse("2026-06-01T12:00:00Z");
    const fake = createXeroFake({ now: () => t });
    const token = (await connect(fake, UK)).access_token;
    const first = await api(fake, token, UK, "GET", "/TaxRates");
    expect(first.headers.get("X-MinLimit-Remaining")).toBe("59");
    expect(first.headers.get("X-DayLimit-Remaining")).toBe("4999");
    expect(first.headers.get("X-AppMinLimit-Remaining")).toBe("9999");
    for (let i = 1; i < LIMITS.minute; i++) {
      t += 500; // 60 calls in 30 s
      expect((await api(fake, token, UK, "GET", "/TaxRates")).status).toBe(200);
    }
    const refused = await api(fake, token, UK, "GET", "/TaxRates");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("X-Rate-Limit-Problem")).toBe("minute");
    expect(refused.headers.get("X-MinLimit-Remaining")).toBe("0");
    // The oldest call leaves the window 60 s after it was made: 30.5 s from now, rounded up.
    expect(refused.headers.get("Retry-After")).toBe("31");
    t += 30_499;
    expect((await api(fake, token, UK, "GET", "/TaxRates")).status).toBe(429);
    t += 1;
    expect((await api(fake, token, UK, "GET", "/TaxRates")).status).toBe(200);
    // Another organisation has its own budget (same app, same user).
    const other = await connect(fake, US);
    expect((await api(fake, other.access_token, US, "GET", "/TaxRates")).headers.get("X-MinLimit-Remaining")).toBe("59");
  });

  it("allows 5,000 calls a day per tenant", async () => {
    let t = Date.parse("2026-06-01T00:00:00Z");
    const fake = createXeroFake({ now: () => t });
    // 4,999 calls spread over the day so far (the clock is the fake's), then the 5,000th by HTTP.
    const tenant = fake.state.tenants.get(UK)!;
    for (let i = 0; i < LIMITS.day - 1; i++) tenant.calls.push(t + i * 10_000);
    t += LIMITS.day * 10_000;
    const token = (await connect(fake, UK)).access_token;
    const last = await api(fake, token, UK, "GET", "/TaxRates");
    expect(last.status).toBe(200);
    expect(last.headers.get("X-DayLimit-Remaining")).toBe("0");
    const refused = await api(fake, token, UK, "GET", "/TaxRates");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("X-Rate-Limit-Problem")).toBe("day");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("fails the next requests as told by POST /__fail, then serves again", async () => {
    const fake = createXeroFake();
    const token = (await connect(fake, UK)).access_token;
    const told = await fake.fetch(new Request(`${ORIGIN}/__fail`, { method: "POST", body: JSON.stringify({ status: 429, count: 1, retryAfter: 7 }) }));
    expect(told.status).toBe(200);
    await fake.fetch(new Request(`${ORIGIN}/__fail`, { method: "POST", body: JSON.stringify({ status: 503, count: 2 }) }));
    const limited = await api(fake, token, UK, "GET", "/Accounts");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("7");
    expect((await api(fake, token, UK, "GET", "/Accounts")).status).toBe(503);
    expect((await api(fake, token, UK, "GET", "/Accounts")).status).toBe(503);
    expect((await api(fake, token, UK, "GET", "/Accounts")).status).toBe(200);
    const log = (await (await fake.fetch(new Request(`${ORIGIN}/__requests?path=/api.xro`))).json()) as { items: { status: number; method: string; path: string; valid: boolean }[] };
    expect(log.items.map((r) => r.status)).toEqual([429, 503, 503, 200]);
    expect(log.items.every((r) => r.valid && r.method === "GET" && r.path === "/api.xro/2.0/Accounts")).toBe(true);
  });

  it("POST /__reset clears every organisation and grant", async () => {
    const fake = createXeroFake();
    const token = (await connect(fake, UK)).access_token;
    await api(fake, token, UK, "PUT", "/Contacts", { Contacts: [{ Name: "Gone Soon" }] });
    await fake.fetch(new Request(`${ORIGIN}/__reset`, { method: "POST" }));
    expect(fake.state.tenants.get(UK)!.contacts.size).toBe(0);
    expect(fake.state.requests).toHaveLength(0);
    expect((await api(fake, token, UK, "GET", "/Accounts")).status).toBe(401);
  });
});
