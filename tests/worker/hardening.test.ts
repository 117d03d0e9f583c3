// Holes an attacker's and an SRE's probe found (issue 10): each test failed before its fix.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let customerId: string;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (await admin.post(`${US}/customers`, { legalName: unique("Probe"), email: "probe@example.test", country: "US" })).body.id;
});

describe("validation errors", () => {
  it("two unknown keys are two details, each naming its own field", async () => {
    const res = await admin.post(`${US}/customers`, { legalName: "X", email: "x@example.test", country: "US", colour: "red", size: 3 });
    expectError(res, 400, "invalid_request");
    expect(res.body.error.details).toEqual([
      { path: "colour", message: "Unknown field: colour" },
      { path: "size", message: "Unknown field: size" },
    ]);
    const nested = await admin.post(`${US}/customers`, { legalName: "X", email: "x@example.test", country: "US", address: { line1: "a", city: "b", postalCode: "c", country: "US", flat: 1, floor: 2 } });
    expect(nested.body.error.details.map((d: { path: string }) => d.path)).toEqual(["address.flat", "address.floor"]);
  });
});

describe("concurrency without If-Match", () => {
  it("concurrent customer PATCHes without If-Match all apply, one revision each", async () => {
    const before = (await admin.get(`${US}/customers/${customerId}`)).body.rev;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => admin.patch(`${US}/customers/${customerId}`, { email: `probe${i}@example.test` })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect((await admin.get(`${US}/customers/${customerId}`)).body.rev).toBe(before + 12);
  });
});

describe("money bounds", () => {
  it("a quote whose total would pass the engine's cap is refused, though each line is within it", async () => {
    const line = { priceId: "price_us_platform_monthly", quantity: "700000000000" }; // 8.75e14 each
    const ok = await admin.post(`${US}/quotes`, { customerId, title: "One big line", currency: "USD", lines: [line] });
    expect(ok.status).toBe(201);
    const res = await admin.post(`${US}/quotes`, { customerId, title: "Too big", currency: "USD", lines: [line, line] });
    expectError(res, 422, "amount_out_of_range");
    const patched = await admin.patch(`${US}/quotes/${ok.body.id}`, { lines: [line, line] });
    expectError(patched, 422, "amount_out_of_range");
  });
});
