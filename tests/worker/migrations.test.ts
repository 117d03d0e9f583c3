// Entity migrations that rewrite stored data: an empty D1 migrated up to the step before, rows written
// in the old shape, then the migration, then the rows read back the way the API reads them.
import { applyD1Migrations, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { getPrice } from "../../worker/db/catalog.ts";
import { priceAmount } from "../../worker/domain/pricing.ts";
import { ApiClient, unique } from "../support/client.ts";

const LINEAR_MIGRATION = "0006_linear_price_per_unit.sql";
const AT = "2026-11-26T10:00:00.000Z";

function migration(name: string) {
  const found = env.ENTITY_MIGRATIONS.find((m) => m.name === name);
  if (!found) throw new Error(`no migration ${name}`);
  return found;
}

/** A price row as an older Worker wrote it, past the schema (which refuses the old shape now). */
function insertPrice(db: D1Database, id: string, productId: string, structure: Record<string, unknown>) {
  return db
    .prepare(
      `INSERT INTO prices (id, product_id, name, currency, billing_frequency, billing_type, pricing_type, structure, created_at)
       VALUES (?, ?, 'Old shape', 'GBP', 'MONTHLY', 'IN_ARREARS', ?, ?, ?)`,
    )
    .bind(id, productId, structure.pricingType, JSON.stringify(structure), AT);
}

const storedStructure = async (db: D1Database, id: string) =>
  (await db.prepare("SELECT structure FROM prices WHERE id = ?").bind(id).first<{ structure: string }>())?.structure;

describe(`entity migration ${LINEAR_MIGRATION}`, () => {
  const db = env.MIGRATION_SCRATCH;
  const old = {
    plain: { pricingType: "LINEAR", price: "0.25" },
    percent: { pricingType: "LINEAR", price: "1.5", isPricePercentage: true, minPrice: "0.20", maxPrice: "5.00" },
    fixed: { pricingType: "FIXED", price: "10.00" },
    tiers: { pricingType: "VOLUME", tiers: [{ upperBound: "10", price: "2", fee: "1" }, { price: "1", isPricePercentage: false }] },
    already: { pricingType: "LINEAR", pricePerUnit: "3" },
  };
  let before: Record<string, string | undefined>;

  beforeAll(async () => {
    await applyD1Migrations(db, env.ENTITY_MIGRATIONS.filter((m) => m.name < LINEAR_MIGRATION));
    const applied = await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>();
    expect(applied.results.map((r) => r.name)).not.toContain(LINEAR_MIGRATION);
    await db.batch([
      db
        .prepare("INSERT INTO products (id, name, search, created_at, updated_at, rev) VALUES ('prod_old', 'Old product', 'old product', ?, ?, 1)")
        .bind(AT, AT),
      ...Object.entries(old).map(([key, structure]) => insertPrice(db, `price_${key}`, "prod_old", structure)),
    ]);
    before = Object.fromEntries(await Promise.all(Object.keys(old).map(async (key) => [key, await storedStructure(db, `price_${key}`)])));
    await applyD1Migrations(db, env.ENTITY_MIGRATIONS);
  });

  it("renames price to pricePerUnit in LINEAR structures and keeps every other key", async () => {
    expect((await getPrice(db, "price_plain"))?.structure).toEqual({ pricingType: "LINEAR", pricePerUnit: "0.25" });
    expect((await getPrice(db, "price_percent"))?.structure).toEqual({
      pricingType: "LINEAR",
      pricePerUnit: "1.5",
      isPricePercentage: true,
      minPrice: "0.20",
      maxPrice: "5.00",
    });
  });

  it("prices the migrated structures as before", async () => {
    expect(priceAmount((await getPrice(db, "price_plain"))!.structure, "1000", "GBP")).toBe("250.00");
    expect(priceAmount((await getPrice(db, "price_percent"))!.structure, "20", "GBP")).toBe("0.30");
  });

  it("leaves other structures, and LINEAR ones already in the new shape, byte for byte", async () => {
    for (const key of ["fixed", "tiers", "already"]) expect(await storedStructure(db, `price_${key}`)).toBe(before[key]);
  });

  it("is idempotent: running it again changes nothing", async () => {
    const once = await Promise.all(Object.keys(old).map((key) => storedStructure(db, `price_${key}`)));
    const result = await db.batch(migration(LINEAR_MIGRATION).queries.map((q) => db.prepare(q)));
    expect(result.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0)).toBe(0);
    expect(await Promise.all(Object.keys(old).map((key) => storedStructure(db, `price_${key}`)))).toEqual(once);
  });

  it("an old LINEAR price in an entity database reads back through GET /prices/{id} with pricePerUnit", async () => {
    const entityDb = env.ENTITY_ACME_UK;
    const finance = await ApiClient.signIn("finance@acme.test");
    const product = await finance.post("/api/v1/entities/acme-uk/products", { name: unique("Old LINEAR") });
    expect(product.status).toBe(201);
    const id = `price_${crypto.randomUUID().replaceAll("-", "")}`;
    await insertPrice(entityDb, id, product.body.id, old.percent).run();
    await entityDb.batch(migration(LINEAR_MIGRATION).queries.map((q) => entityDb.prepare(q)));
    const res = await finance.get(`/api/v1/entities/acme-uk/prices/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.structure).toEqual({ pricingType: "LINEAR", pricePerUnit: "1.5", isPricePercentage: true, minPrice: "0.20", maxPrice: "5.00" });
    const preview = await finance.post("/api/v1/entities/acme-uk/pricing/preview", { currency: "GBP", structure: res.body.structure, quantity: "20" });
    expect(preview.body).toEqual({ amount: "0.30", currency: "GBP" });
  });
});
