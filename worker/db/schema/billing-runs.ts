// Billing runs of one entity (API.md "billing runs"): one row per run, and one row per finished chunk
// of it. A chunk's row is inserted once (its primary key), so a chunk delivered twice or retried after
// a failure is counted once; the run's counters are recomputed from those rows and from the invoices
// that name the run, never incremented blindly.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Actor } from "../../../party/protocol.ts";
import type { BillingRunStatus, BillingRunTrigger } from "../../domain/billing-run-plan.ts";

export const billingRuns = sqliteTable(
  "billing_runs",
  {
    id: text("id").primaryKey(),
    asOf: text("as_of").notNull(),
    status: text("status").$type<BillingRunStatus>().notNull(),
    trigger: text("trigger").$type<BillingRunTrigger>().notNull(),
    /** The schedules the run covers (those billable by asOf when it started). */
    schedules: integer("schedules").notNull(),
    /** Invoices this run created (not those an earlier run for the same days had created already). */
    invoicesCreated: integer("invoices_created").notNull().default(0),
    chunksTotal: integer("chunks_total").notNull(),
    chunksDone: integer("chunks_done").notNull().default(0),
    createdBy: text("created_by", { mode: "json" }).$type<Actor>().notNull(),
    createdAt: text("created_at").notNull(),
    completedAt: text("completed_at"),
    error: text("error"),
  },
  (t) => [
    index("billing_runs_as_of").on(t.asOf, t.id),
    // One cron run per entity and local day, however many cron invocations race for it.
    uniqueIndex("billing_runs_cron_day").on(t.asOf).where(sql`"trigger" = 'CRON'`),
  ],
);

export const billingRunChunks = sqliteTable(
  "billing_run_chunks",
  {
    runId: text("run_id")
      .notNull()
      .references(() => billingRuns.id),
    chunkIndex: integer("chunk_index").notNull(),
    /** The attempt that finished the chunk (its progress event is written by that attempt only). */
    attempt: text("attempt").notNull(),
    completedAt: text("completed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.chunkIndex] })],
);
