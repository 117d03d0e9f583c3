// Xero's rate limits per organisation and app: 60 calls in any minute and 5,000 in any day per tenant,
// 10,000 a minute across the app. Each answer carries what is left; a refused call gets Retry-After.
export const LIMITS = { minute: 60, day: 5000, appMinute: 10_000 } as const;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type Admission = { ok: true; headers: Record<string, string> } | { ok: false; headers: Record<string, string>; retryAfter: number; problem: "minute" | "day" | "appminute" };

function within(calls: number[], now: number, span: number) {
  return calls.filter((t) => t > now - span);
}

/** Headers of what is left, without counting a call (answers refused before the limits apply). */
export function remaining(calls: number[], appCalls: number[], now: number): Record<string, string> {
  return {
    "X-MinLimit-Remaining": String(Math.max(0, LIMITS.minute - within(calls, now, MINUTE).length)),
    "X-DayLimit-Remaining": String(Math.max(0, LIMITS.day - within(calls, now, DAY).length)),
    "X-AppMinLimit-Remaining": String(Math.max(0, LIMITS.appMinute - within(appCalls, now, MINUTE).length)),
  };
}

/** Count one call of a tenant if the limits allow it (`calls` and `appCalls` are pruned and appended in place). */
export function admit(calls: number[], appCalls: number[], now: number): Admission {
  const day = within(calls, now, DAY);
  calls.splice(0, calls.length, ...day);
  const app = within(appCalls, now, MINUTE);
  appCalls.splice(0, appCalls.length, ...app);
  const minute = within(day, now, MINUTE);
  const wait = (oldest: number, span: number) => Math.max(1, Math.ceil((oldest + span - now) / 1000));
  let refusal: { retryAfter: number; problem: "minute" | "day" | "appminute" } | null = null;
  if (day.length >= LIMITS.day) refusal = { retryAfter: wait(day[day.length - LIMITS.day]!, DAY), problem: "day" };
  else if (minute.length >= LIMITS.minute) refusal = { retryAfter: wait(minute[minute.length - LIMITS.minute]!, MINUTE), problem: "minute" };
  else if (app.length >= LIMITS.appMinute) refusal = { retryAfter: wait(app[app.length - LIMITS.appMinute]!, MINUTE), problem: "appminute" };
  if (refusal) {
    return { ok: false, ...refusal, headers: { ...remaining(calls, appCalls, now), "Retry-After": String(refusal.retryAfter), "X-Rate-Limit-Problem": refusal.problem } };
  }
  calls.push(now);
  appCalls.push(now);
  return { ok: true, headers: remaining(calls, appCalls, now) };
}
