// The Xero call budget: 60 a minute, refilled one a second, corrected by Xero's own counts.
import { describe, expect, it } from "vitest";
import { freshBudget, limitHeadersOf, MINUTE_LIMIT, observe, take } from "../../worker/integrations/xero/budget.ts";

const T = Date.parse("2026-06-01T12:00:00Z");

describe("Xero call budget", () => {
  it("grants 60 calls at once, then one a second", () => {
    let b = freshBudget(T);
    for (let i = 0; i < MINUTE_LIMIT; i++) {
      const r = take(b, T);
      expect(r.waitMs).toBe(0);
      b = r.budget;
    }
    expect(take(b, T).waitMs).toBe(1000);
    expect(take(b, T + 500).waitMs).toBe(500);
    expect(take(b, T + 1000).waitMs).toBe(0);
    // A batch of 5 waits until 5 are back.
    expect(take(b, T + 1000, 5).waitMs).toBe(4000);
  });

  it("never holds more than a minute's worth, however long it rested", () => {
    const r = take(freshBudget(T), T + 3_600_000, MINUTE_LIMIT + 1);
    expect(r.waitMs).toBe(1000);
  });

  it("lowers itself to X-MinLimit-Remaining and counts down X-DayLimit-Remaining", () => {
    let b = observe(freshBudget(T), { minRemaining: 2, dayRemaining: 3 }, T);
    b = take(b, T).budget;
    b = take(b, T).budget;
    expect(take(b, T).waitMs).toBeGreaterThan(0);
    b = take(b, T + 1000).budget;
    expect(b.dayRemaining).toBe(0);
    expect(take(b, T + 60_000).waitMs).toBe(3_600_000);
  });

  it("waits out a 429's Retry-After", () => {
    const b = observe(freshBudget(T), { retryAfter: 30 }, T);
    expect(take(b, T + 10_000).waitMs).toBe(20_000);
    expect(take(b, T + 30_000).waitMs).toBe(0);
  });

  it("reads the limit headers, ignoring absent or garbled ones", () => {
    expect(limitHeadersOf(new Headers({ "X-MinLimit-Remaining": "12", "X-DayLimit-Remaining": "4321", "Retry-After": "7" }))).toEqual({ minRemaining: 12, dayRemaining: 4321, retryAfter: 7 });
    expect(limitHeadersOf(new Headers({ "X-MinLimit-Remaining": "lots" }))).toEqual({ minRemaining: null, dayRemaining: null, retryAfter: null });
  });
});
