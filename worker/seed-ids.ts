// The demo seed's ids for the records the lists show newest first (quotes, invoices, billing schedules):
// in the id scheme of worker/lib/crypto.ts, at a fixed instant before any real record, with a readable
// tail. Everything a user creates then lists above the demo, as it would above older records, and the
// ids are the same on every seed, so tests can name them. (Readable ids like `inv_us_demo1` sorted above
// every real id, so a user's new quote or invoice listed below the demo ones.)
import { idAt } from "./lib/crypto.ts";

/** 2026-01-01T00:00:00Z: before any record the app makes. */
const DEMO_EPOCH = Date.UTC(2026, 0, 1);

export const demoQuoteId = (key: string, n: number) => idAt("quo", DEMO_EPOCH, `${key}demo${n}`);
/** The quote waiting for approval: below the other demo quotes in the list. */
export const demoApprovalQuoteId = (key: string) => idAt("quo", DEMO_EPOCH, `${key}approval1`);
export const demoInvoiceId = (key: string, n: number) => idAt("inv", DEMO_EPOCH, `${key}demo${n}`);
export const demoScheduleId = (key: string, n: number) => idAt("bsch", DEMO_EPOCH, `${key}demo${n}`);
