// The drizzle schema (worker/db/schema/) and the databases the migrations build must agree exactly:
// tables and views, columns (order, type, collation, nullability, default, primary key), indexes and
// unique constraints, foreign keys, AUTOINCREMENT and CHECK constraints. A column, index or key on one
// side only fails here, so migrations/ and the schema cannot drift apart unnoticed.
import { env } from "cloudflare:test";
import { is, SQL } from "drizzle-orm";
import {
  getTableConfig,
  getViewConfig,
  integer,
  SQLiteSyncDialect,
  SQLiteTable,
  SQLiteView,
  sqliteTable,
  text,
  type SQLiteColumn,
} from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as controlSchema from "../../worker/db/schema/control.ts";
import * as entitySchema from "../../worker/db/schema/entity.ts";

interface Shape {
  kind: "table" | "view";
  columns: { name: string; type: string; collation: string; notNull: boolean; default: string | null; pk: number }[];
  indexes: string[];
  foreignKeys: string[];
  autoincrement: boolean;
  checks: number;
}

const dialect = new SQLiteSyncDialect();

/** SQLite's own account of a database: sqlite_master and the table pragmas. */
async function databaseShape(db: D1Database): Promise<Record<string, Shape>> {
  const { results: objects } = await db
    .prepare(
      "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
    )
    .all<{ name: string; type: "table" | "view"; sql: string }>();
  const shapes: Record<string, Shape> = {};
  for (const o of objects) {
    const pragma = async <T,>(name: string, arg = o.name) => (await db.prepare(`SELECT * FROM pragma_${name}(?)`).bind(arg).all<T>()).results;
    const info = await pragma<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>("table_info");
    const pkColumns = info.filter((c) => c.pk > 0).length;
    const indexes: string[] = [];
    const collations = new Map<string, string>();
    for (const index of await pragma<{ name: string; unique: number; origin: string }>("index_list")) {
      const keys = (await pragma<{ name: string; coll: string; key: number }>("index_xinfo", index.name)).filter((k) => k.key);
      // Unique constraints and primary keys have no name of their own (sqlite_autoindex_*): compared by columns.
      indexes.push(indexSignature(index.unique === 1, index.origin === "c" && !index.unique ? index.name : null, keys.map((k) => `${k.name} ${k.coll}`)));
      for (const k of keys) if (k.coll !== "BINARY") collations.set(k.name, k.coll);
    }
    const foreignKeys = await pragma<{ table: string; from: string; to: string; on_update: string; on_delete: string }>("foreign_key_list");
    shapes[o.name] = {
      kind: o.type,
      columns: info.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        collation: collations.get(c.name) ?? "BINARY",
        // `id TEXT PRIMARY KEY` allows NULL in SQLite (a legacy quirk); drizzle declares such keys NOT NULL.
        notNull: c.notnull === 1 || (c.pk > 0 && pkColumns === 1),
        default: c.dflt_value,
        pk: c.pk,
      })),
      indexes: indexes.sort(),
      foreignKeys: foreignKeys.map((f) => `${f.from} -> ${f.table}(${f.to}) on update ${f.on_update} on delete ${f.on_delete}`.toLowerCase()).sort(),
      autoincrement: /\bAUTOINCREMENT\b/i.test(o.sql),
      checks: (o.sql.match(/\bCHECK\s*\(/gi) ?? []).length,
    };
  }
  return shapes;
}

function indexSignature(unique: boolean, name: string | null, columns: string[]) {
  return `${unique ? "unique" : `index ${name}`} (${columns.join(", ")})`;
}

/** A column's declared type and collation (textNoCase carries `COLLATE NOCASE` in its type). */
function typeOf(column: SQLiteColumn) {
  const [type, collation] = column.getSQLType().split(/\s+collate\s+/i);
  return { type: type.toLowerCase(), collation: collation?.toUpperCase() ?? "BINARY" };
}

function defaultOf(column: SQLiteColumn): string | null {
  if (column.default === undefined) return null;
  if (is(column.default, SQL)) return dialect.sqlToQuery(column.default).sql;
  if (typeof column.default === "string") return `'${column.default.replaceAll("'", "''")}'`;
  return String(column.default);
}

/** What the drizzle table and view objects of one schema module declare. */
function schemaShape(module: Record<string, unknown>): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  for (const value of Object.values(module)) {
    if (is(value, SQLiteTable)) {
      const config = getTableConfig(value);
      const primary = config.primaryKeys[0]?.columns.map((c) => c.name) ?? config.columns.filter((c) => c.primary).map((c) => c.name);
      const coll = (name: string) => `${name} ${typeOf(config.columns.find((c) => c.name === name)!).collation}`;
      const indexes = config.indexes.map((i) =>
        indexSignature(
          Boolean(i.config.unique),
          i.config.unique ? null : i.config.name,
          i.config.columns.map((c) => coll((c as SQLiteColumn).name)),
        ),
      );
      for (const c of config.columns) if (c.isUnique) indexes.push(indexSignature(true, null, [coll(c.name)]));
      for (const u of config.uniqueConstraints) indexes.push(indexSignature(true, null, u.columns.map((c) => coll(c.name))));
      // Every primary key has its index, except a lone INTEGER PRIMARY KEY (the rowid itself).
      const rowid = primary.length === 1 && typeOf(config.columns.find((c) => c.name === primary[0])!).type === "integer";
      if (primary.length && !rowid) indexes.push(indexSignature(true, null, primary.map(coll)));
      shapes[config.name] = {
        kind: "table",
        columns: config.columns.map((c) => ({
          name: c.name,
          ...typeOf(c),
          notNull: c.notNull,
          default: defaultOf(c),
          pk: primary.indexOf(c.name) + 1,
        })),
        indexes: indexes.sort(),
        foreignKeys: config.foreignKeys
          .flatMap((fk) => {
            const ref = fk.reference();
            return ref.columns.map((from, i) =>
              `${from.name} -> ${getTableConfig(ref.foreignTable).name}(${ref.foreignColumns[i].name}) on update ${fk.onUpdate ?? "no action"} on delete ${fk.onDelete ?? "no action"}`.toLowerCase(),
            );
          })
          .sort(),
        autoincrement: config.columns.some((c) => (c as SQLiteColumn & { autoIncrement?: boolean }).autoIncrement === true),
        checks: config.checks.length,
      };
    } else if (is(value, SQLiteView)) {
      const config = getViewConfig(value);
      shapes[config.name] = {
        kind: "view",
        // A view's columns have no declared type or constraints in SQLite: only their names are compared.
        columns: Object.values(config.selectedFields as Record<string, SQLiteColumn>).map((c) => ({ name: c.name, type: "", collation: "BINARY", notNull: false, default: null, pk: 0 })),
        indexes: [],
        foreignKeys: [],
        autoincrement: false,
        checks: 0,
      };
    }
  }
  return shapes;
}

const databases = [
  { name: "control plane", db: () => env.CONTROL, schema: controlSchema },
  { name: "entity", db: () => env.ENTITY_ACME_US as D1Database, schema: entitySchema },
] as const;

describe("the drizzle schema matches the migrated databases", () => {
  for (const { name, db, schema } of databases) {
    it(`${name}: every table and view, column, index, unique constraint and foreign key`, async () => {
      const actual = await databaseShape(db());
      const declared = schemaShape(schema);
      expect(Object.keys(actual).sort()).toEqual(Object.keys(declared).sort());
      for (const table of Object.keys(declared)) expect({ table, ...actual[table] }).toEqual({ table, ...declared[table] });
    });
  }

  it("the batch_guards views keep the trigger drizzle cannot declare", async () => {
    for (const { db } of databases) {
      const trigger = await db().prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'batch_guards'").first<{ name: string }>();
      expect(trigger?.name).toBe("batch_guards_check");
    }
  });

  // The comparison itself: a column on one side only is a difference.
  it("notices a column the schema declares and the database lacks", async () => {
    const counters = sqliteTable("counters", { name: text("name").primaryKey(), value: integer("value").notNull(), extra: text("extra") });
    const actual = await databaseShape(env.ENTITY_ACME_US as D1Database);
    expect(actual.counters).toEqual(schemaShape({ counters: entitySchema.counters }).counters);
    expect(actual.counters).not.toEqual(schemaShape({ counters }).counters);
  });

  it("notices a column the database has and the schema lacks", async () => {
    const db = env.ENTITY_ACME_US as D1Database;
    await db.prepare("ALTER TABLE counters ADD COLUMN extra TEXT").run();
    try {
      const actual = await databaseShape(db);
      expect(actual.counters.columns.map((c) => c.name)).toContain("extra");
      expect(actual.counters).not.toEqual(schemaShape({ counters: entitySchema.counters }).counters);
    } finally {
      await db.prepare("ALTER TABLE counters DROP COLUMN extra").run();
    }
  });
});
