// Billing runs as the web reads them (API.md "Billing runs, invoices, credit notes"): the run, its
// progress (from the billing_run.* events and the polled GET), and a dry run's preview. The run and
// its events are read loosely, one place only, so the screens do not break on a field that is added.
// Pure: tests/domain/web-billing.test.ts runs it in workerd.

export type BillingRunStatus = "RUNNING" | "COMPLETED" | "FAILED";

export interface BillingRun {
  id: string;
  asOf: string;
  status: BillingRunStatus;
  /** How many schedules the run covers. */
  schedules: number;
  invoicesCreated: number;
  /** Once COMPLETED. */
  invoiceIds?: string[];
  /** Schedules done so far, where the server says. */
  processed?: number;
  /** The run's chunks (queue messages) and how many are done: progress where the server counts so. */
  chunksTotal?: number;
  chunksDone?: number;
  createdAt?: string;
  completedAt?: string | null;
  /** Why a FAILED run stopped. */
  error?: string | null;
}

export interface DryRunInvoice {
  billingScheduleId?: string;
  scheduleId?: string;
  customerId?: string;
  customerName?: string;
  currency: string;
  billingDate?: string;
  billingPeriod?: { start: string; end: string } | null;
  lines?: { title: string; quantity?: string; amount: string }[];
  subtotal?: string;
  tax?: string;
  total: string;
  warnings?: DryRunWarning[];
}

export interface DryRunWarning {
  code?: string;
  message: string;
  billingScheduleId?: string;
  scheduleId?: string;
  customerId?: string;
  billingDate?: string;
}

/** The schedule a preview row or warning is about (either name the server uses). */
export const scheduleOf = (x: { billingScheduleId?: string; scheduleId?: string }): string | null => x.billingScheduleId ?? x.scheduleId ?? null;

export interface DryRun {
  asOf: string;
  dryRun?: true;
  schedules?: number;
  /** All the invoices the run would create; `invoices` lists the first of them when `truncated`. */
  invoiceCount?: number;
  invoices: DryRunInvoice[];
  truncated?: boolean;
  totals?: { currency: string; total: string; subtotal?: string; tax?: string; invoices?: number }[];
  warningCount?: number;
  warnings?: DryRunWarning[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const STATUSES = new Set<BillingRunStatus>(["RUNNING", "COMPLETED", "FAILED"]);

/**
 * The run a billing_run.* event describes, merged over the run shown: the event's data carries the
 * run (`billingRun`) or its figures directly. Null when it is not about `runId`.
 */
export function runFromEvent(shown: BillingRun, event: { kind: string; subject?: { type: string; id: string }; data?: unknown }): BillingRun | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const carried = (typeof data.billingRun === "object" && data.billingRun ? data.billingRun : data) as Record<string, unknown>;
  const id = typeof carried.id === "string" ? carried.id : event.subject?.id;
  if (id !== shown.id) return null;
  const next: BillingRun = { ...shown };
  const status = carried.status as BillingRunStatus;
  if (STATUSES.has(status)) next.status = status;
  else if (event.kind === "billing_run.completed") next.status = "COMPLETED";
  else if (event.kind === "billing_run.failed") next.status = "FAILED";
  for (const k of ["schedules", "invoicesCreated", "processed", "chunksTotal", "chunksDone"] as const) {
    const v = num(carried[k]);
    if (v !== null) next[k] = v;
  }
  const processed = num(carried.schedulesProcessed) ?? num(carried.done);
  if (processed !== null) next.processed = processed;
  if (typeof carried.completedAt === "string") next.completedAt = carried.completedAt;
  if (typeof carried.error === "string") next.error = carried.error;
  if (Array.isArray(carried.invoiceIds)) next.invoiceIds = carried.invoiceIds.filter((x): x is string => typeof x === "string");
  return next;
}

/** A newer reading never moves the bar back (events and polls can cross). */
export function laterOf(a: BillingRun, b: BillingRun): BillingRun {
  if (a.status !== "RUNNING" && b.status === "RUNNING") return { ...b, ...a };
  if (b.status !== "RUNNING") return { ...a, ...b };
  return percentDone(b) >= percentDone(a) ? { ...a, ...b } : { ...b, ...a };
}

/** Progress 0–100 (whole percent): chunks (or schedules) done of all; a finished run is full. */
export function percentDone(run: BillingRun): number {
  if (run.status === "COMPLETED") return 100;
  if (run.chunksTotal) return Math.floor((Math.min(run.chunksDone ?? 0, run.chunksTotal) * 100) / run.chunksTotal);
  if (!run.schedules) return 0;
  const done = Math.min(run.processed ?? 0, run.schedules);
  return Math.floor((done * 100) / run.schedules);
}

export const RUN_STATUS_LABEL: Record<BillingRunStatus, string> = { RUNNING: "Running", COMPLETED: "Completed", FAILED: "Failed" };
export const RUN_STATUS_BADGE: Record<BillingRunStatus, string> = { RUNNING: "badge-blue", COMPLETED: "badge-green", FAILED: "badge-red" };
