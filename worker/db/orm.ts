// drizzle over one D1 database. The instance is a thin wrapper (no schema, no logger), cached per binding
// so the hot paths allocate nothing per request; prepared queries hang off the same cache.
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { and, is, Param, Placeholder, sql, type SQL } from "drizzle-orm";
import type { Column } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export type Orm = DrizzleD1Database;

const instances = new WeakMap<D1Database, Orm>();

export function orm(db: D1Database): Orm {
  let instance = instances.get(db);
  if (!instance) {
    instance = drizzle(db);
    instances.set(db, instance);
  }
  return instance;
}

/** A value built once per database (a drizzle prepared query, say), reused on every call after. */
export function preparedFor<T>(cache: WeakMap<D1Database, T>, db: D1Database, build: (orm: Orm) => T): T {
  let value = cache.get(db);
  if (value === undefined) {
    value = build(orm(db));
    cache.set(db, value);
  }
  return value;
}

/** Anything drizzle renders to one statement: insert, update, delete, select builders. */
export interface Renderable {
  toSQL(): { sql: string; params: unknown[] };
}

/** A drizzle query as a plain D1 statement, for batches that also carry raw statements (ChangeSet). */
export function statementOf(db: D1Database, query: Renderable): D1PreparedStatement {
  const { sql: text, params } = query.toSQL();
  const statement = db.prepare(text);
  return params.length ? statement.bind(...params) : statement;
}

/** AND of the conditions given, skipping undefined/false ones, so callers can write `q && contains(...)`. */
export function allOf(...conditions: (SQL | undefined | false | "" | null)[]): SQL | undefined {
  return and(...conditions.filter((c): c is SQL => Boolean(c)));
}

/** `column` contains `q` literally (its %, _ and \ escaped), case-insensitively (columns store lower case). */
export function contains(column: SQLiteColumn, q: string): SQL {
  return sql`${column} LIKE ${`%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`} ESCAPE '\\'`;
}

/**
 * A drizzle statement rendered once and bound per call. drizzle renders a query in tens of µs, which the
 * hot paths (every event and audit row, every co-editing update) would pay per statement; a template
 * pays it once per isolate. `build` gets drizzle and returns a query whose values are `sql.placeholder`s;
 * `bind` fills them by name (JSON columns encoded by drizzle, null stays NULL).
 */
export function template(build: (orm: Orm) => Renderable): (db: D1Database, values: Record<string, unknown>) => D1PreparedStatement {
  let rendered: { sql: string; params: unknown[] } | null = null;
  return (db, values) => {
    rendered ??= build(orm(db)).toSQL();
    return db.prepare(rendered.sql).bind(...rendered.params.map((p) => bound(p, values)));
  };
}

function bound(param: unknown, values: Record<string, unknown>): unknown {
  if (is(param, Param) && is(param.value, Placeholder)) {
    const value = values[param.value.name];
    return value === null || value === undefined ? null : param.encoder ? param.encoder.mapToDriverValue(value) : value;
  }
  if (is(param, Placeholder)) return values[param.name] ?? null;
  return param;
}

/** `{ key: sql.placeholder(key) }` for each key. */
export function placeholders<K extends string>(keys: readonly K[]): Record<K, Placeholder<K>> {
  return Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as Record<K, Placeholder<K>>;
}

/**
 * A table's columns (or some of them) as one raw SELECT list and the mapper of its rows — the SQL and
 * each column's own driver mapping, computed once: a hot read (finalize's) skips drizzle's query
 * building and result mapping, which cost more CPU than the read itself.
 */
export function rawColumns<C extends Record<string, Column>>(columns: C, alias: string) {
  const entries = Object.entries(columns);
  return {
    list: entries.map(([, column]) => `${alias}."${column.name}"`).join(", "),
    /** A result row (keyed by column name, as D1 answers) as drizzle would have mapped it. */
    row(values: Record<string, unknown>): { [K in keyof C]: C[K]["_"]["notNull"] extends true ? C[K]["_"]["data"] : C[K]["_"]["data"] | null } {
      const out: Record<string, unknown> = {};
      for (const [key, column] of entries) {
        const value = values[column.name];
        out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return out as never;
    },
  };
}
