// Archiving and unarchiving a record with a revision (customers, products): one guarded update on
// the revision read, its event and its audit row. Archived records keep their id and history.
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { ChangeSet } from "./changes.ts";

type Archivable = SQLiteTable & { id: SQLiteColumn; rev: SQLiteColumn; archivedAt: SQLiteColumn; updatedAt: SQLiteColumn };

export function setArchived<T extends { id: string; rev: number; archivedAt: string | null; updatedAt: string }>(
  changes: ChangeSet,
  table: Archivable,
  noun: string,
  before: T,
  archived: boolean,
): T {
  const after: T = { ...before, archivedAt: archived ? changes.at : null, updatedAt: changes.at, rev: before.rev + 1 };
  changes
    .guard(
      changes.orm
        .update(table)
        .set({ archivedAt: after.archivedAt, updatedAt: changes.at, rev: sql`${table.rev} + 1` } as never)
        .where(and(eq(table.id, before.id), eq(table.rev, before.rev), archived ? isNull(table.archivedAt) : isNotNull(table.archivedAt))),
      "rev_conflict",
      `The ${noun} ${before.id} changed meanwhile; reload and try again`,
    )
    .record({ kind: `${noun}.${archived ? "archived" : "unarchived"}`, subject: { type: noun, id: before.id }, data: { [noun]: after }, before, after });
  return after;
}
