// Cursor pagination shared by every list: newest first, the cursor is the last id of the page
// (ids sort by creation time), one extra row tells whether there is a next page.
import { lt, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export interface Filter {
  sql: string;
  params?: unknown[];
}

export interface Page<T> {
  items: T[];
  after: string | null;
}

/** Raw-SQL lists (kept for callers outside worker/db; our lists use `page`). `filters` with undefined/false entries are skipped, so callers can write `q && {...}`. */
export async function pageOf<Row extends { id: string }>(
  db: D1Database,
  table: string,
  options: { limit: number; after?: string; filters?: (Filter | undefined | false | "" | null)[] },
): Promise<Page<Row>> {
  const filters = (options.filters ?? []).filter((f): f is Filter => Boolean(f));
  if (options.after) filters.unshift({ sql: "id < ?", params: [options.after] });
  const where = filters.length ? `WHERE ${filters.map((f) => f.sql).join(" AND ")}` : "";
  const { results } = await db
    .prepare(`SELECT * FROM ${table} ${where} ORDER BY id DESC LIMIT ?`)
    .bind(...filters.flatMap((f) => f.params ?? []), options.limit + 1)
    .all<Row>();
  const items = results.slice(0, options.limit);
  return { items, after: results.length > options.limit ? items[items.length - 1].id : null };
}

/** A LIKE pattern that matches `q` literally (its %, _ and \ escaped), case-insensitively. */
export function containing(column: string, q: string): Filter {
  return { sql: `${column} LIKE ? ESCAPE '\\'`, params: [`%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`] };
}

/**
 * One page from a drizzle query: `rows` gets the cursor condition (id < after, or undefined) and how many
 * rows to take; it must order by `idColumn` descending. The extra row tells whether there is a next page.
 */
export async function page<T extends { id: string }>(
  idColumn: SQLiteColumn,
  options: { limit: number; after?: string },
  rows: (cursor: SQL | undefined, take: number) => Promise<T[]>,
): Promise<Page<T>> {
  const results = await rows(options.after ? lt(idColumn, options.after) : undefined, options.limit + 1);
  const items = results.slice(0, options.limit);
  return { items, after: results.length > options.limit ? items[items.length - 1].id : null };
}
