// Billing schedules of one entity (DESIGN.md §3, API.md "billing schedules"). The phases are JSON on
// the schedule row: they are written and read as a whole (the domain validates them together, at
// most MAX_PHASES of them) and nothing queries into them, so a table of their own would only add joins.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { SchedulePhase, ScheduleStatus } from "../../domain/schedule.ts";
import { customers } from "./entity.ts";

export const billingSchedules = sqliteTable(
  "billing_schedules",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    currency: text("currency").notNull(),
    status: text("status").$type<ScheduleStatus>().notNull(),
    startDate: text("start_date").notNull(),
    /** Exclusive; null: open-ended. */
    endDate: text("end_date"),
    recurrenceDayOfMonth: integer("recurrence_day_of_month"),
    phases: text("phases", { mode: "json" }).$type<SchedulePhase[]>().notNull(),
    /** The executed quote it came from: unique, so executing a quote twice makes one schedule. */
    quoteId: text("quote_id").unique(),
    activatedAt: text("activated_at"),
    cancelledAt: text("cancelled_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    rev: integer("rev").notNull(),
    // Last: added by migration 0016 (ALTER TABLE appends), and the schema test compares column order.
    /** Payment terms of the schedule's invoices, in days (Sequence's defaultDueDateDays); null: the merchant's default at finalize. */
    defaultDueDateDays: integer("default_due_date_days"),
  },
  (t) => [index("billing_schedules_status").on(t.status, t.id), index("billing_schedules_customer").on(t.customerId, t.id)],
);
