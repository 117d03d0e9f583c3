// The Xero call budget: at most 60 calls in any minute (a rolling window, as Xero counts), corrected by
// Xero's own counts.
import { describe, expect, it } from "vitest";
import { budgetOf, freshBudget, limitHeadersOf, MINUTE_LIMIT, observe, take, WINDOW_MS } from "../../worker/integrations/xero/budget.ts";

const T = Date.parse("2026-06-01T12:00:00Z");

describe("Xero call budget", () => {
  it("grants 60 calls at once, then none until the oldest has left the minute (and the second after it)", () => {
    let b = freshBudget(T);
    for (let i = 0; i < MINUTE_LIMIT; i++) {
      const r = take(b, T + i * 100);
      expect(r.waitMs).toBe(0);
      b = r.budget;
    }
    expect(take(b, T + 6_000).waitMs).toBe(WINDOW_MS - 6_000);
    expect(take(b, T + WINDOW_MS - 1).waitMs).toBe(1);
    expect(take(b, T + WINDOW_MS).waitMs).toBe(0);
    // A batch of 5 waits until the 5 oldest are out.
    expect(take(b, T + WINDOW_MS, 5).waitMs).toBe(400);
  });

  it("never lets more than 60 calls into any window, however the calls are spread", () => {
    let b = freshBudget(T);
    const granted: number[] = [];
    for (let now = T; now < T + 5 * 60_000; now += 250) {
      const r = take(b, now);
      b = r.budget;
      if (r.waitMs === 0) granted.push(now);
    }
    for (const start of granted) expect(granted.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(MINUTE_LIMIT);
    // …and uses them: 60 in each window of WINDOW_MS.
    expect(granted.length).toBeGreaterThanOrEqual(Math.floor((5 * 60_000) / WINDOW_MS) * MINUTE_LIMIT);
  });

  it("reads an old stored shape (a token bucket) as an empty window, keeping its block", () => {
    expect(budgetOf({ tokens: 3, at: T, dayRemaining: 10, blockedUntil: T + 5 } as never, T)).toEqual({ calls: [], dayRemaining: 10, blockedUntil: T + 5 });
    expect(budgetOf(undefined, T)).toEqual(freshBudget(T));
  });

  it("counts the calls Xero says it counted (X-MinLimit-Remaining) and counts down X-DayLimit-Remaining", () => {
    let b = observe(freshBudget(T), { minRemaining: 2, dayRemaining: 3 }, T);
    expect(b.calls).toHaveLength(MINUTE_LIMIT - 2);
    b = take(b, T).budget;
    b = take(b, T).budget;
    expect(take(b, T).waitMs).toBe(WINDOW_MS);
    b = take(b, T + WINDOW_MS).budget;
    expect(b.dayRemaining).toBe(0);
    expect(take(b, T + 2 * WINDOW_MS).waitMs).toBe(3_600_000);
    // Our own calls are not counted twice: Xero's count of them adds nothing.
    let own = take(freshBudget(T), T).budget;
    own = observe(own, { minRemaining: MINUTE_LIMIT - 1 }, T + 10);
    expect(own.calls).toHaveLength(1);
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
