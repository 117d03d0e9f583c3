// The call budget of one Xero organisation: a token bucket of 60 a minute (refilled one a second) that
// Xero's own counts correct — X-MinLimit-Remaining and X-DayLimit-Remaining on every answer, Retry-After on
// a 429. Pure: the Durable Object of the connection holds one and passes the time in.
export const MINUTE_LIMIT = 60;
export const DAY_LIMIT = 5000;
const REFILL_MS = 60_000 / MINUTE_LIMIT;

export interface Budget {
  /** Calls that may start now (fractional between refills). */
  tokens: number;
  at: number;
  /** What Xero last said is left today (counted down locally between answers), null before any answer. */
  dayRemaining: number | null;
  /** No call before this (a 429's Retry-After, or the day's limit reached). */
  blockedUntil: number;
}

export const freshBudget = (now: number): Budget => ({ tokens: MINUTE_LIMIT, at: now, dayRemaining: null, blockedUntil: 0 });

function refilled(budget: Budget, now: number): Budget {
  const tokens = Math.min(MINUTE_LIMIT, budget.tokens + Math.max(0, now - budget.at) / REFILL_MS);
  return { ...budget, tokens, at: now };
}

/** Take `calls` from the budget if it has them; else how long to wait before asking again. */
export function take(budget: Budget, now: number, calls = 1): { budget: Budget; waitMs: number } {
  const b = refilled(budget, now);
  if (now < b.blockedUntil) return { budget: b, waitMs: b.blockedUntil - now };
  if (b.dayRemaining !== null && b.dayRemaining < calls) return { budget: b, waitMs: 60 * 60_000 };
  if (b.tokens < calls) return { budget: b, waitMs: Math.ceil((calls - b.tokens) * REFILL_MS) };
  return { budget: { ...b, tokens: b.tokens - calls, dayRemaining: b.dayRemaining === null ? null : b.dayRemaining - calls }, waitMs: 0 };
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

/** Xero's counts win over ours: they include calls made by anyone else on this organisation's app. */
export function observe(budget: Budget, seen: LimitHeaders, now: number): Budget {
  let b = refilled(budget, now);
  if (typeof seen.minRemaining === "number") b = { ...b, tokens: Math.min(b.tokens, seen.minRemaining) };
  if (typeof seen.dayRemaining === "number") b = { ...b, dayRemaining: seen.dayRemaining };
  if (typeof seen.retryAfter === "number" && seen.retryAfter > 0) b = { ...b, tokens: 0, blockedUntil: Math.max(b.blockedUntil, now + seen.retryAfter * 1000) };
  return b;
}
