/// <reference lib="dom" />
// Catalog screens: products list and detail, the price editor for a tiered price (tier table, live
// server-priced preview), a package price at 375 px, read-only roles, the server's tier errors at
// the offending row, and replacing a price (create the new one, archive the old).
import { describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import {
  DESKTOP,
  PHONE,
  POLL,
  apiCall,
  hasNoHorizontalScroll,
  screenshot,
  uniqueName,
  waitForLive,
  useBrowser,
} from "./support.ts";

interface Product {
  id: string;
  name: string;
  rev: number;
}
interface Price {
  id: string;
  productId: string;
  name: string;
  currency: string;
  billingFrequency: string;
  billingType: string;
  pricingType: string;
  structure: Record<string, unknown>;
  archivedAt: string | null;
}

const { open } = useBrowser();

async function createProduct(context: BrowserContext, entity: string, name: string): Promise<Product> {
  const res = await apiCall<Product>(context, "POST", `/api/v1/entities/${entity}/products`, { name }, {
    "Idempotency-Key": crypto.randomUUID(),
  });
  if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function createPrice(context: BrowserContext, entity: string, body: Record<string, unknown>): Promise<Price> {
  const res = await apiCall<Price>(context, "POST", `/api/v1/entities/${entity}/prices`, body, {
    "Idempotency-Key": crypto.randomUUID(),
  });
  if (res.status !== 201) throw new Error(`create price: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function pricesOf(context: BrowserContext, entity: string, productId: string, includeArchived = false) {
  const res = await apiCall<{ items: Price[] }>(
    context,
    "GET",
    `/api/v1/entities/${entity}/prices?productId=${productId}${includeArchived ? "&includeArchived=true" : ""}`,
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

const productRow = (page: Page, name: string) =>
  page.locator('[data-testid="product-row"]', {
    has: page.locator('[data-testid="product-name"]', { hasText: name }),
  });
const tierRow = (page: Page, i: number) => page.locator(`[data-testid="tier-row"][data-index="${i}"]`);
const previewAmount = async (page: Page) => (await page.locator('[data-testid="preview-amount"]').textContent())?.trim();

/** Type into a field the way a person does: key by key, after clearing it. */
async function typeInto(page: Page, selector: string, text: string) {
  const field = page.locator(selector);
  await field.fill("");
  await field.pressSequentially(text);
}

describe("catalog", () => {
  test("finance creates a product and a graduated price with the tier table; the preview follows the typing; admin sees both live", async () => {
    const admin = await open("admin@acme.test", DESKTOP);
    const { context, page } = await open("finance@acme.test", DESKTOP);
    const name = uniqueName("Metered API");

    // The admin watches the products list.
    await admin.page.goto("/acme-uk/products");
    await admin.page.locator('[data-testid="product-list"]').waitFor();
    await waitForLive(admin.page);

    // Finance creates the product from the list.
    await page.goto("/acme-uk/products");
    await page.locator('[data-testid="product-list"]').waitFor();
    await page.click('[data-testid="new-product"]');
    const form = page.locator('[data-testid="product-form"]');
    await form.locator('input[name="name"]').fill(name);
    await form.locator('textarea[name="description"]').fill("Requests to the public API");
    await form.locator('[data-testid="product-save"]').click();
    await page.waitForURL(/\/acme-uk\/products\/prod_/);
    await expect.poll(() => page.locator('[data-testid="product-title"]').textContent(), POLL).toBe(name);
    const productId = page.url().split("/").pop()!;

    // It appears in the admin's list without a reload; the admin opens it and waits for prices.
    await productRow(admin.page, name).waitFor();
    await productRow(admin.page, name).click();
    await admin.page.locator('[data-testid="prices-empty"]').waitFor();
    await waitForLive(admin.page);

    // A graduated price through the tier table: ≤100 @ 2, ≤200 @ 1.5, the rest @ 1.
    await waitForLive(page);
    await page.click('[data-testid="add-price"]');
    const editor = page.locator('[data-testid="price-editor"]');
    await editor.waitFor();
    // The currency defaults to the entity's.
    expect(await editor.locator('select[name="currency"]').inputValue()).toBe("GBP");
    await editor.locator('[data-testid="model-GRADUATED"]').click();
    await expect.poll(() => page.locator('[data-testid="tier-row"]').count(), POLL).toBe(2);
    await page.click('[data-testid="add-tier"]');
    await expect.poll(() => page.locator('[data-testid="tier-row"]').count(), POLL).toBe(3);
    await tierRow(page, 0).locator('[data-testid="tier-upperBound"]').fill("100");
    await tierRow(page, 0).locator('[data-testid="tier-price"]').fill("2");
    await tierRow(page, 1).locator('[data-testid="tier-upperBound"]').fill("200");
    await tierRow(page, 1).locator('[data-testid="tier-price"]').fill("1.5");
    await tierRow(page, 2).locator('[data-testid="tier-price"]').fill("1");
    // The last tier is open: "and above", no bound to fill in.
    expect(await tierRow(page, 2).locator('[data-testid="tier-upperBound"]').count()).toBe(0);
    expect(await tierRow(page, 2).locator('[data-testid="tier-open"]').textContent()).toContain("and above");

    // The amount follows the quantity as it is typed (priced by the server).
    await typeInto(page, '[data-testid="preview-quantity"]', "250");
    await expect.poll(() => previewAmount(page), POLL).toContain("£400.00");
    await typeInto(page, '[data-testid="preview-quantity"]', "150");
    await expect.poll(() => previewAmount(page), POLL).toContain("£275.00");
    await typeInto(page, '[data-testid="preview-quantity"]', "250");
    await expect.poll(() => previewAmount(page), POLL).toContain("£400.00");
    expect(await page.locator('[data-testid="preview-summary"]').textContent()).toContain("Graduated: 0–100 £2.00");
    await screenshot(page, "catalog-desktop-graduated-editor");

    await page.click('[data-testid="price-save"]');
    await editor.waitFor({ state: "detached" });
    const row = page.locator('[data-testid="price-row"][data-model="GRADUATED"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="price-summary"]').textContent()).toBe(
      "Graduated: 0–100 £2.00, 100–200 £1.50, then £1.00 per unit / month",
    );
    await screenshot(page, "catalog-desktop-product");

    // Exactly the structure typed, as decimal strings, in the entity's currency.
    const [price] = await pricesOf(context, "acme-uk", productId);
    expect(price).toMatchObject({
      currency: "GBP",
      billingFrequency: "MONTHLY",
      billingType: "IN_ARREARS",
      pricingType: "GRADUATED",
      structure: {
        pricingType: "GRADUATED",
        tiers: [
          { upperBound: "100", price: "2" },
          { upperBound: "200", price: "1.5" },
          { price: "1" },
        ],
      },
    });

    // The admin, on the product page, sees the price arrive.
    await admin.page.locator(`[data-testid="price-row"][data-id="${price.id}"]`).waitFor();
    await screenshot(admin.page, "catalog-desktop-admin-live");
  });

  test("at 375 px: a package price, the tier table stacked, no horizontal scroll", async () => {
    const { context, page } = await open("finance@acme.test", PHONE);
    const name = uniqueName("Storage packs");

    await page.goto("/acme-us/products");
    await page.locator('[data-testid="product-list"]').waitFor();
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await page.tap('[data-testid="new-product"]');
    const form = page.locator('[data-testid="product-form"]');
    await form.locator('input[name="name"]').fill(name);
    await form.locator('[data-testid="product-save"]').tap();
    await page.waitForURL(/\/acme-us\/products\/prod_/);
    const productId = page.url().split("/").pop()!;

    await page.tap('[data-testid="add-price"]');
    const editor = page.locator('[data-testid="price-editor"]');
    await editor.waitFor();
    expect(await editor.locator('select[name="currency"]').inputValue()).toBe("USD");

    // The tier table reflows into one card per tier: no column header, no sideways scrolling.
    await editor.locator('[data-testid="model-GRADUATED"]').tap();
    await page.locator('[data-testid="tier-table"]').waitFor();
    await page.tap('[data-testid="add-tier"]');
    expect(await page.locator('[data-testid="tier-table"] .head').isVisible()).toBe(false);
    const table = await page.locator('[data-testid="tier-table"]').boundingBox();
    const first = await tierRow(page, 0).boundingBox();
    const second = await tierRow(page, 1).boundingBox();
    expect(first && second && table).toBeTruthy();
    expect(second!.y).toBeGreaterThanOrEqual(first!.y + first!.height); // stacked, one under the other
    expect(first!.width).toBeGreaterThan(table!.width - 2); // each card spans the table
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "catalog-phone-tiers");

    // Package: 100 units per package at $5.
    await editor.locator('[data-testid="model-PACKAGE"]').tap();
    await page.locator('[data-testid="field-packageSize"]').fill("100");
    await page.locator('[data-testid="field-pricePerPackage"]').fill("5");
    await typeInto(page, '[data-testid="preview-quantity"]', "250");
    await expect.poll(() => previewAmount(page), POLL).toContain("$15.00");
    await typeInto(page, '[data-testid="preview-quantity"]', "301");
    await expect.poll(() => previewAmount(page), POLL).toContain("$20.00");
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "catalog-phone-package-editor");

    await page.locator('[data-testid="price-save"]').tap();
    await editor.waitFor({ state: "detached" });
    const row = page.locator('[data-testid="price-row"][data-model="PACKAGE"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="price-summary"]').textContent()).toBe("$5.00 per 100 units / month");
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "catalog-phone-product");

    const [price] = await pricesOf(context, "acme-us", productId);
    expect(price.structure).toEqual({ pricingType: "PACKAGE", packageSize: "100", pricePerPackage: "5" });
    expect(price.currency).toBe("USD");
  });

  test("a per-unit (LINEAR) price is sent and stored with Sequence's field name, pricePerUnit", async () => {
    const { context, page } = await open("finance@acme.test", DESKTOP);
    const product = await createProduct(context, "acme-us", uniqueName("API calls"));
    await page.goto(`/acme-us/products/${product.id}`);
    await page.locator('[data-testid="prices-empty"]').waitFor();
    await waitForLive(page);
    await page.click('[data-testid="add-price"]');
    const editor = page.locator('[data-testid="price-editor"]');
    await editor.waitFor();
    await editor.locator('[data-testid="model-LINEAR"]').click();
    await page.locator('[data-testid="field-pricePerUnit"]').fill("0.25");
    await typeInto(page, '[data-testid="preview-quantity"]', "1000");
    await expect.poll(() => previewAmount(page), POLL).toContain("$250.00");
    await page.click('[data-testid="price-save"]');
    await editor.waitFor({ state: "detached" });
    await page.locator('[data-testid="price-row"][data-model="LINEAR"]').waitFor();
    const [price] = await pricesOf(context, "acme-us", product.id);
    expect(price.structure).toEqual({ pricingType: "LINEAR", pricePerUnit: "0.25" });
  });

  test("sales sees the catalog but no write actions", async () => {
    const finance = await open("finance@acme.test");
    const product = await createProduct(finance.context, "acme-us", uniqueName("Read-only product"));
    await createPrice(finance.context, "acme-us", {
      productId: product.id,
      name: "Seats — monthly",
      currency: "USD",
      billingFrequency: "MONTHLY",
      billingType: "IN_ADVANCE",
      structure: { pricingType: "SEAT_BASED", pricePerSeat: "15", contractedMinimumSeats: 5 },
    });

    const { page } = await open("sales@acme.test", PHONE);
    await page.goto("/acme-us/products");
    await productRow(page, product.name).waitFor();
    expect(await page.locator('[data-testid="new-product"]').count()).toBe(0);

    await productRow(page, product.name).tap();
    const row = page.locator('[data-testid="price-row"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="price-summary"]').textContent()).toBe("$15.00 per seat / month, min 5 seats");
    for (const action of ["add-price", "edit-product", "archive-product", "replace-price", "archive-price"]) {
      expect(await page.locator(`[data-testid="${action}"]`).count(), action).toBe(0);
    }
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "catalog-phone-sales-readonly");
  });

  test("bounds out of order: the server's error shows at the offending tier, and nothing is saved", async () => {
    const { context, page } = await open("finance@acme.test");
    const product = await createProduct(context, "acme-de", uniqueName("Tiered thing"));

    await page.goto(`/acme-de/products/${product.id}`);
    await page.locator('[data-testid="product-title"]').waitFor();
    await page.click('[data-testid="add-price"]');
    await page.click('[data-testid="model-VOLUME"]');
    await page.click('[data-testid="add-tier"]');
    await tierRow(page, 0).locator('[data-testid="tier-upperBound"]').fill("200");
    await tierRow(page, 0).locator('[data-testid="tier-price"]').fill("2");
    await tierRow(page, 1).locator('[data-testid="tier-upperBound"]').fill("100");
    await tierRow(page, 1).locator('[data-testid="tier-price"]').fill("1.5");
    await tierRow(page, 2).locator('[data-testid="tier-price"]').fill("1");

    // The preview asks the server, which names structure.tiers.1.upperBound: shown on row 2.
    const error = tierRow(page, 1).locator('[data-testid="error-tiers.1.upperBound"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("200");
    expect(await tierRow(page, 1).locator('[data-testid="tier-upperBound"]').getAttribute("aria-invalid")).toBe("true");
    expect(await tierRow(page, 0).locator('[data-testid^="error-"]').count()).toBe(0);
    expect(await tierRow(page, 2).locator('[data-testid^="error-"]').count()).toBe(0);
    expect(await previewAmount(page)).toBe("—");

    // Saving is refused with the same error at the same row.
    await page.click('[data-testid="price-save"]');
    await page.locator('[data-testid="price-form-error"]').waitFor();
    await error.waitFor();
    await screenshot(page, "catalog-desktop-tier-error");
    expect(await pricesOf(context, "acme-de", product.id)).toHaveLength(0);

    // Fixing the bound clears it and prices the quantity (volume: all 250 units at the second tier's 1.5).
    await tierRow(page, 1).locator('[data-testid="tier-upperBound"]').fill("300");
    await typeInto(page, '[data-testid="preview-quantity"]', "250");
    await error.waitFor({ state: "detached" });
    await expect.poll(() => previewAmount(page), POLL).toContain("€375.00");
  });

  test("archive: the product leaves another user's list live, with its prices archived", async () => {
    const { context, page } = await open("finance@acme.test", PHONE);
    const watcher = await open("admin@acme.test");
    const product = await createProduct(context, "acme-us", uniqueName("Retired product"));
    const price = await createPrice(context, "acme-us", {
      productId: product.id,
      name: "Setup",
      currency: "USD",
      billingFrequency: "ONE_TIME",
      billingType: "IN_ADVANCE",
      structure: { pricingType: "ONE_TIME", price: "499.99" },
    });

    await watcher.page.goto(`/acme-us/products?q=${encodeURIComponent(product.name)}`);
    await productRow(watcher.page, product.name).waitFor();
    await waitForLive(watcher.page);

    await page.goto(`/acme-us/products/${product.id}`);
    const row = page.locator(`[data-testid="price-row"][data-id="${price.id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid="price-summary"]').textContent()).toBe("$499.99 one-time");
    await page.tap('[data-testid="archive-product"]');
    await page.tap('[data-testid="confirm-archive"]');
    await page.locator('[data-testid="archived-badge"]').waitFor();
    expect(await page.locator('[data-testid="add-price"]').count()).toBe(0);
    await row.waitFor({ state: "detached" }); // its price went with it
    expect(await hasNoHorizontalScroll(page)).toBe(true);

    await productRow(watcher.page, product.name).waitFor({ state: "detached" });
    const all = await pricesOf(context, "acme-us", product.id, true);
    expect(all.map((p) => Boolean(p.archivedAt))).toEqual([true]);
  });

  test("replace: the editor starts from the old price; saving creates the new one and archives the old", async () => {
    const { context, page } = await open("finance@acme.test");
    const product = await createProduct(context, "acme-uk", uniqueName("Seats"));
    const old = await createPrice(context, "acme-uk", {
      productId: product.id,
      name: "Seats — monthly",
      currency: "GBP",
      billingFrequency: "MONTHLY",
      billingType: "IN_ADVANCE",
      structure: { pricingType: "SEAT_BASED", tiers: [{ upperBound: "5", price: "0" }, { price: "15", fee: "100" }] },
    });

    await page.goto(`/acme-uk/products/${product.id}`);
    const oldRow = page.locator(`[data-testid="price-row"][data-id="${old.id}"]`);
    await oldRow.waitFor();
    expect(await oldRow.locator('[data-testid="price-summary"]').textContent()).toBe(
      "Seats: 0–5 free, then £15.00 (+£100.00 flat) per seat / month",
    );
    await oldRow.locator('[data-testid="replace-price"]').click();

    // Pre-filled: the seat tiers as they were.
    const editor = page.locator('[data-testid="price-editor"]');
    await editor.waitFor();
    expect(await editor.locator('input[name="name"]').inputValue()).toBe("Seats — monthly");
    expect(await tierRow(page, 0).locator('[data-testid="tier-upperBound"]').inputValue()).toBe("5");
    expect(await tierRow(page, 1).locator('[data-testid="tier-fee"]').inputValue()).toBe("100");
    await tierRow(page, 1).locator('[data-testid="tier-price"]').fill("12");
    await typeInto(page, '[data-testid="preview-quantity"]', "10");
    await expect.poll(() => previewAmount(page), POLL).toContain("£160.00"); // 5 free + 5 × 12 + 100

    await page.click('[data-testid="price-save"]');
    await editor.waitFor({ state: "detached" });
    await oldRow.waitFor({ state: "detached" }); // archived: hidden unless asked for
    const live = await pricesOf(context, "acme-uk", product.id);
    expect(live).toHaveLength(1);
    expect(live[0].structure).toEqual({
      pricingType: "SEAT_BASED",
      tiers: [{ upperBound: "5", price: "0" }, { price: "12", fee: "100" }],
    });
    const all = await pricesOf(context, "acme-uk", product.id, true);
    expect(all.find((p) => p.id === old.id)?.archivedAt).toBeTruthy();

    await page.click('[data-testid="show-archived-prices"]');
    await oldRow.locator('[data-testid="price-archived"]').waitFor();
    await screenshot(page, "catalog-desktop-replaced");
  });
});
