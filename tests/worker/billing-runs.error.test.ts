// Billing runs refuse bad input with a 4xx in the contract's shape and write nothing; a run that does
// not exist is 404.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError } from "../support/client.ts";
import { counts, DE } from "../support/billing-runs.ts";

let finance: ApiClient;

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
});

describe("billing runs — errors", () => {
  it.each([
    [{}, "asOf"],
    [{ asOf: "2030-02-30" }, "asOf"],
    [{ asOf: "next tuesday" }, "asOf"],
    [{ asOf: 20300101 }, "asOf"],
    [{ asOf: "2030-01-01", dryRun: "yes" }, "dryRun"],
    [{ asOf: "2030-01-01", extra: true }, ""],
  ])("%j is a 400 naming %s, and nothing is written", async (body, path) => {
    const before = await counts();
    const res = await finance.post(`${DE}/billing-runs`, body);
    expectError(res, 400, "invalid_request");
    if (path) expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
    expect(await counts()).toEqual(before);
  });

  it("malformed JSON is a 400 in the error shape", async () => {
    const before = await counts();
    expectError(await finance.post(`${DE}/billing-runs`, "{asOf:"), 400);
    expect(await counts()).toEqual(before);
  });

  it("an unknown run is 404; a bad page size is 400", async () => {
    expectError(await finance.get(`${DE}/billing-runs/brun_nope`), 404, "not_found");
    expectError(await finance.get(`${DE}/billing-runs?limit=0`), 400, "invalid_request");
    expectError(await finance.get(`${DE}/billing-runs?limit=101`), 400, "invalid_request");
  });

  it("an Idempotency-Key replays the first run; the same key with another body is 422", async () => {
    const first = await finance.post(`${DE}/billing-runs`, { asOf: "2001-01-01" }, { "idempotency-key": "run-2001" });
    expect(first.status).toBe(202);
    const replay = await finance.post(`${DE}/billing-runs`, { asOf: "2001-01-01" }, { "idempotency-key": "run-2001" });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(first.body.id);
    const before = await counts();
    expectError(await finance.post(`${DE}/billing-runs`, { asOf: "2001-01-02" }, { "idempotency-key": "run-2001" }), 422, "idempotency_key_reused");
    expect(await counts()).toEqual(before);
  });
});
