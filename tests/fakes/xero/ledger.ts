// The ledger of one organisation as a set of maps the API works on. A batch with summarizeErrors=true
// works on a copy and keeps it only if every object passed, as Xero refuses such a batch whole.
import { Decimal } from "../../../worker/domain/decimal.ts";
import type { FakeAccount, FakeTaxRate } from "./seed.ts";
import { msDate, type Doc, type Tenant } from "./state.ts";

export interface Ledger {
  tenant: Tenant;
  now: number;
  contacts: Map<string, Doc>;
  invoices: Map<string, Doc>;
  creditNotes: Map<string, Doc>;
  payments: Map<string, Doc>;
  allocations: Map<string, Doc>;
}

export const ledgerOf = (tenant: Tenant, now: number): Ledger => ({
  tenant,
  now,
  contacts: new Map(tenant.contacts),
  invoices: new Map(tenant.invoices),
  creditNotes: new Map(tenant.creditNotes),
  payments: new Map(tenant.payments),
  allocations: new Map(tenant.allocations),
});

export function keep(ledger: Ledger) {
  Object.assign(ledger.tenant, { contacts: ledger.contacts, invoices: ledger.invoices, creditNotes: ledger.creditNotes, payments: ledger.payments, allocations: ledger.allocations });
}

/** A refusal of one object, in Xero's words. */
export class Refused extends Error {
  readonly messages: string[];
  constructor(...messages: string[]) {
    super(messages.join("; "));
    this.messages = messages;
  }
}

// ---- numbers: Xero's JSON carries numbers; the arithmetic is decimal (big.js), never floats ----
export const dec = (value: unknown, fallback = "0"): Decimal => {
  if (value === undefined || value === null || value === "") return new Decimal(fallback);
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Refused(`'${text}' is not a number`);
  return new Decimal(text);
};
export const num = (d: Decimal, dp = 2): number => Number(d.round(dp).toFixed(dp));
export const sum = (values: Decimal[]): Decimal => values.reduce((a, b) => a.plus(b), new Decimal("0"));

// ---- dates: "2026-01-15", "2026-01-15T00:00:00" or "/Date(ms+0000)/" in; "/Date(ms+0000)/" out ----
export function parseDate(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  const text = String(value);
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(text);
  if (ms) return new Date(Number(ms[1])).toISOString().slice(0, 10);
  const ymd = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+Z?)?$/.exec(text);
  if (ymd && !Number.isNaN(Date.parse(ymd[1]!))) return ymd[1]!;
  throw new Refused(`${field} '${text}' is not a valid date`);
}
export const today = (now: number) => new Date(now).toISOString().slice(0, 10);
export const dateFields = (ymd: string, name: string): Doc => ({ [name]: msDate(Date.parse(ymd)), [`${name}String`]: `${ymd}T00:00:00` });

// ---- settings lookups ----
export function accountByRef(tenant: Tenant, ref: { AccountID?: unknown; Code?: unknown } | undefined): FakeAccount | undefined {
  if (!ref) return undefined;
  const id = ref.AccountID;
  if (typeof id === "string") return tenant.accounts.find((a) => a.AccountID === id.toLowerCase());
  if (typeof ref.Code === "string") return tenant.accounts.find((a) => a.Code === ref.Code);
  return undefined;
}
export const taxRateOf = (tenant: Tenant, taxType: string): FakeTaxRate | undefined => tenant.taxRates.find((t) => t.TaxType === taxType && t.Status === "ACTIVE");

/** Strip the fake's own bookkeeping (keys starting with `_`) from a stored object. */
export function publicView(doc: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith("_")) out[k] = v;
  return out;
}
