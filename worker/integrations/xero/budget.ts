// The call budget of one Xero organisation: at most 60 calls in any minute (Xero counts a rolling minute),
// kept as the start times of the calls of the last minute, which Xero's own counts correct —
// X-MinLimit-Remaining and X-DayLimit-Remaining on every answer, Retry-After on a 429. Pure: the Durable
// Object of the connection holds one and passes the time in.
export const MINUTE_LIMIT = 60;
export const DAY_LIMIT = 5000;
/**
 * How long a call counts against the minute here: a minute, and a second more, because a call is counted
 * when it is granted, a moment before Xero counts it on arrival — freed at the same instant, the next one
 * could reach Xero while Xero still counts the old one.
 */
export const WINDOW_MS = 61_000;

export interface Budget {
  /** When each call of the last window was granted (ms, oldest first): ours, and any Xero counted that we did not. */
  calls: number[];
  /** What Xero last said is left today (counted down locally between answers), null before any answer. */
  dayRemaining: number | null;
  /** No call before this (a 429's Retry-After, or the day's limit reached). */
  blockedUntil: number;
}

export const freshBudget = (_now: number): Budget => ({ calls: [], dayRemaining: null, blockedUntil: 0 });

/** A stored budget of any earlier shape (a token bucket had no `calls`) read as one of this shape. */
export function budgetOf(stored: Partial<Budget> | undefined, now: number): Budget {
  if (!stored || !Array.isArray(stored.calls)) return { ...freshBudget(now), dayRemaining: stored?.dayRemaining ?? null, blockedUntil: stored?.blockedUntil ?? 0 };
  return { calls: stored.calls, dayRemaining: stored.dayRemaining ?? null, blockedUntil: stored.blockedUntil ?? 0 };
}

const recent = (budget: Budget, now: number): Budget => ({ ...budget, calls: budget.calls.filter((t) => t > now - WINDOW_MS) });

/** Take `calls` from the budget if it has them; else how long to wait before asking again. */
export function take(budget: Budget, now: number, calls = 1): { budget: Budget; waitMs: number } {
  const b = recent(budget, now);
  if (now < b.blockedUntil) return { budget: b, waitMs: b.blockedUntil - now };
  if (b.dayRemaining !== null && b.dayRemaining < calls) return { budget: b, waitMs: 60 * 60_000 };
  const over = b.calls.length + calls - MINUTE_LIMIT;
  // Wait until enough of the oldest calls have left the window.
  if (over > 0) return { budget: b, waitMs: b.calls[over - 1]! + WINDOW_MS - now };
  return { budget: { ...b, calls: [...b.calls, ...Array.from({ length: calls }, () => now)], dayRemaining: b.dayRemaining === null ? null : b.dayRemaining - calls }, waitMs: 0 };
}

export interface LimitHeaders {
  minRemaining?: number | null;
  dayRemaining?: number | null;
  /** Seconds, from a 429's Retry-After. */
  retryAfter?: number | null;
}

export function limitHeadersOf(headers: Headers): LimitHeaders {
  const n = (name: string) => {
    const v = headers.get(name);
    return v === null || v === "" || Number.isNaN(Number(v)) ? null : Number(v);
  };
  return { minRemaining: n("x-minlimit-remaining"), dayRemaining: n("x-daylimit-remaining"), retryAfter: n("retry-after") };
}

/**
 * Xero's counts win over ours: they include calls made by anyone else on this organisation's app. Calls
 * Xero counts that we did not are added as made now (the latest they can have been made: they leave last).
 */
export function observe(budget: Budget, seen: LimitHeaders, now: number): Budget {
  let b = recent(budget, now);
  if (typeof seen.minRemaining === "number") {
    const unseen = MINUTE_LIMIT - Math.max(0, seen.minRemaining) - b.calls.length;
    if (unseen > 0) b = { ...b, calls: [...b.calls, ...Array.from({ length: unseen }, () => now)] };
  }
  if (typeof seen.dayRemaining === "number") b = { ...b, dayRemaining: seen.dayRemaining };
  if (typeof seen.retryAfter === "number" && seen.retryAfter > 0) b = { ...b, blockedUntil: Math.max(b.blockedUntil, now + seen.retryAfter * 1000) };
  return b;
}
