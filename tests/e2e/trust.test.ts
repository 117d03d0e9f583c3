/// <reference lib="dom" />
// What a finance user trusts (issue 9): prices told apart in the picker, the new-quote form's
// customer search and errors that clear when fixed, the save pill while a field is invalid, the
// accept confirmation on a phone, settings (address in the country's order, logo, read-only roles).
import { describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { BASE_URL, DESKTOP, PHONE, POLL, apiCall, createCustomer, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-us";
const { open, anonymous } = useBrowser();

async function post<T>(context: BrowserContext, path: string, body: unknown): Promise<T> {
  const res = await apiCall<T>(context, "POST", `/api/v1/entities/${ENTITY}${path}`, body, { "Idempotency-Key": crypto.randomUUID() });
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A product with two monthly prices that share one name: only their amounts differ. */
async function twinPrices(context: BrowserContext) {
  const product = await post<{ id: string; name: string }>(context, "/products", { name: uniqueName("Analytics Suite") });
  const price = (amount: string) =>
    post<{ id: string }>(context, "/prices", {
      productId: product.id,
      name: "Analytics Suite — monthly",
      currency: "USD",
      billingFrequency: "MONTHLY",
      billingType: "IN_ADVANCE",
      structure: { pricingType: "SEAT_BASED", pricePerSeat: amount },
    });
  return { product, a: await price("30"), b: await price("45") };
}

async function quoteWith(context: BrowserContext, lines: { priceId: string; quantity: string }[]) {
  const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Trust Buyer"), currency: "USD" });
  return post<{ id: string; rev: number }>(context, "/quotes", { customerId: customer.id, title: uniqueName("Trust quote"), currency: "USD", lines });
}

const optionText = (page: Page, testid: string, value: string) =>
  page.locator(`[data-testid="${testid}"] option[value="${value}"]`).textContent();

describe("what a finance user trusts", () => {
  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`two prices on one product are told apart in the line picker, which searches; the grid shows unit prices (${device})`, async () => {
      const { context, page } = await open("admin@acme.test", options);
      const { product, a, b } = await twinPrices(context);
      const quote = await quoteWith(context, [{ priceId: a.id, quantity: "10" }]);
      await page.goto(`/${ENTITY}/quotes/${quote.id}`);
      await page.locator('[data-testid="quote-lines"]').waitFor();
      await waitForLive(page);

      const ta = await optionText(page, "add-line", a.id);
      const tb = await optionText(page, "add-line", b.id);
      expect(ta).toContain("$30.00 per seat / month");
      expect(tb).toContain("$45.00 per seat / month");
      expect(ta).toContain("USD");
      expect(ta).toContain("Seats"); // the model
      expect(ta).not.toBe(tb);

      // The search narrows the options to what matches every word.
      await page.locator('[data-testid="add-line-search"]').fill(`${product.name} 45`);
      await expect.poll(() => page.locator('[data-testid="add-line"] option[value]:not([value=""])').count(), POLL).toBe(1);
      expect(await page.locator(`[data-testid="add-line"] option[value="${b.id}"]`).count()).toBe(1);
      await page.locator('[data-testid="add-line"]').selectOption(b.id);
      await page.locator(`[data-testid="quote-line"][data-price-id="${b.id}"]`).waitFor();

      // The grid's unit-price column says what each line costs per unit.
      const units = await page.locator('[data-testid="line-unit-price"]').allTextContents();
      expect(units.join(" | ")).toContain("$30.00 per seat / month");
      expect(units.join(" | ")).toContain("$45.00 per seat / month");
      await screenshot(page, `trust-picker-${device}`);
    });
  }

  test("the price editor names a new price after its model and amount", async () => {
    const { context, page } = await open("admin@acme.test");
    const product = await post<{ id: string }>(context, "/products", { name: uniqueName("Named Co") });
    await page.goto(`/${ENTITY}/products/${product.id}`);
    await page.locator('[data-testid="prices-empty"]').waitFor();
    await waitForLive(page);
    await page.locator('[data-testid="add-price"]').click();
    const editor = page.locator('[data-testid="price-editor"]');
    await editor.locator('[data-testid="model-SEAT_BASED"]').click();
    const name = editor.locator('input[name="name"]');
    expect(await name.inputValue()).toBe("Seats — monthly"); // nothing typed yet
    await editor.locator('input[name="pricePerSeat"]').fill("30");
    await expect.poll(() => name.inputValue(), POLL).toBe("$30.00 per seat / month");
  });

  test("new quote: the customer search reaches any customer, and each error clears once its field is fixed (phone)", async () => {
    const { context, page } = await open("sales@acme.test", PHONE);
    const needle = uniqueName("Zebra Findable");
    const customer = await createCustomer(context, ENTITY, { legalName: needle, currency: "USD" });
    await page.goto(`/${ENTITY}/quotes`);
    await page.locator('[data-testid="quote-list"]').waitFor();
    await page.locator('[data-testid="new-quote"]').tap();
    const form = page.locator('[data-testid="new-quote-form"]');
    await form.locator('[data-testid="new-quote-save"]').tap();
    await form.locator('[data-testid="form-error"], .error').first().waitFor();
    expect(await form.locator(".error").allTextContents()).toEqual(expect.arrayContaining(["Choose a customer", "Required", "Choose a price"]));

    await form.locator('[data-testid="new-quote-customer-search"]').fill(needle.split(" ").slice(2).join(" "));
    await expect.poll(() => form.locator(`[data-testid="new-quote-customer"] option[value="${customer.id}"]`).count(), POLL).toBe(1);
    await form.locator('[data-testid="new-quote-customer"]').selectOption(customer.id);
    await expect.poll(() => form.locator(".error").allTextContents(), POLL).not.toContain("Choose a customer");
    await form.locator('[data-testid="new-quote-title"]').fill("Found by search");
    await expect.poll(() => form.locator(".error").allTextContents(), POLL).not.toContain("Required");
    await form.locator('[data-testid="new-quote-price"]').selectOption("price_us_platform_monthly");
    await expect.poll(() => form.locator(".error").count(), POLL).toBe(0);
    expect(await form.locator('[data-testid="form-error"]').count()).toBe(0);
    await screenshot(page, "trust-new-quote-phone");
    await form.locator('[data-testid="new-quote-save"]').tap();
    await page.waitForURL(/\/quotes\/[^/]+$/);
  });

  test("the save pill says Not saved while a field holds invalid text", async () => {
    const { context, page } = await open("admin@acme.test");
    const quote = await quoteWith(context, [{ priceId: "price_us_platform_monthly", quantity: "1" }]);
    await page.goto(`/${ENTITY}/quotes/${quote.id}`);
    await page.locator('[data-testid="quote-lines"]').waitFor();
    await waitForLive(page);
    const pill = page.locator('[data-testid="save-state"]');
    const qty = page.locator('[data-testid="line-quantity"]').first();
    await qty.fill("abc");
    await expect.poll(() => pill.getAttribute("data-state"), POLL).toBe("invalid");
    expect(await pill.textContent()).toContain("Not saved");
    await qty.fill("3");
    await expect.poll(() => pill.getAttribute("data-state"), POLL).toBe("saved");
  });

  test("after accepting on a phone the confirmation is in view and focused; lines name the product once", async () => {
    const { context } = await open("admin@acme.test");
    const quote = await quoteWith(context, [
      { priceId: "price_us_platform_monthly", quantity: "1" },
      { priceId: "price_us_onboarding_once", quantity: "1" },
    ]);
    const published = await post<{ publicUrl: string }>(context, `/quotes/${quote.id}/publish`, {});
    const customer = await anonymous(PHONE);
    const page = await customer.newPage();
    await page.goto(published.publicUrl.replace(/^https?:\/\/[^/]+/, BASE_URL));
    await page.locator('[data-testid="public-quote"][data-state="open"]').waitFor();
    for (const name of await page.locator('[data-testid="public-line-name"]').allTextContents()) {
      const parts = name.split(" — ");
      expect(new Set(parts).size, name).toBe(parts.length);
    }

    // The checkbox's error reads as an error and goes once it is ticked.
    await page.locator('[data-testid="accept-name"]').fill("Pat Buyer");
    await page.locator('[data-testid="accept-email"]').fill("pat@buyer.example");
    await page.locator('[data-testid="accept-submit"]').tap();
    const agreeError = page.locator('[data-testid="accept-agree-error"]');
    await agreeError.waitFor();
    expect(await agreeError.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(185, 28, 28)");
    await page.locator('[data-testid="accept-agree"]').check();
    await expect.poll(() => agreeError.count(), POLL).toBe(0);

    await page.locator('[data-testid="accept-submit"]').tap();
    const confirmation = page.locator('[data-testid="accepted-state"]');
    await confirmation.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid")), POLL).toBe("accepted-state");
    const box = await confirmation.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(812);
    await screenshot(page, "trust-accepted-phone", false);
  });

  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`settings: the address reads in the country's order, the logo uploads, a sales member only reads (${device})`, async () => {
      const { context, page } = await open("admin@acme.test", options);
      await page.goto(`/${ENTITY}/settings`);
      const form = page.locator('[data-testid="settings-form"]');
      await form.waitFor();
      await form.locator('[data-testid="settings-address.line1"]').fill("1301 2nd Ave");
      await form.locator('[data-testid="settings-address.city"]').fill("Seattle");
      await form.locator('[data-testid="settings-address.region"]').fill("WA");
      await form.locator('[data-testid="settings-address.postalCode"]').fill("98101");
      await form.locator('select[name="address.country"]').selectOption("US");
      await expect.poll(() => page.locator('[data-testid="address-preview"]').innerText(), POLL).toContain("Seattle, WA 98101");

      // A bad prefix is a field error from the server, gone once fixed.
      await form.locator('[data-testid="settings-invoicePrefix"]').fill("bad prefix!");
      await form.locator('[data-testid="settings-save"]').click();
      await form.locator('[data-testid="error-invoicePrefix"]').waitFor();
      await form.locator('[data-testid="settings-invoicePrefix"]').fill("ACME-US");
      await expect.poll(() => form.locator('[data-testid="error-invoicePrefix"]').count(), POLL).toBe(0);

      // A 1×1 PNG as the logo.
      const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
      await form.locator('[data-testid="logo-input"]').setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
      await form.locator('[data-testid="logo-preview"]').waitFor();
      await form.locator('[data-testid="settings-save"]').click();
      await expect
        .poll(async () => (await apiCall<{ address: { city: string } | null; logo: string | null }>(context, "GET", `/api/v1/entities/${ENTITY}/merchant`)).body, POLL)
        .toMatchObject({ address: { city: "Seattle" }, logo: expect.stringMatching(/^data:image\/png;base64,/) });
      await screenshot(page, `trust-settings-${device}`);

      const sales = await open("sales@acme.test", options);
      await sales.page.goto(`/${ENTITY}/settings`);
      await sales.page.locator('[data-testid="settings-read-only"]').waitFor();
      expect(await sales.page.locator('[data-testid="settings-save"]').count()).toBe(0);
      expect(await sales.page.locator('[data-testid="settings-address.city"]').isDisabled()).toBe(true);
    });
  }
  test("archiving can be undone: Undo on the toast, and Unarchive on the record (customer, product, quote)", async () => {
    const { context, page } = await open("admin@acme.test");
    const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Undo Co") });
    await page.goto(`/${ENTITY}/customers/${customer.id}`);
    await page.locator('[data-testid="archive-customer"]').click();
    await page.locator('[data-testid="confirm-archive"]').click();
    await page.locator('[data-testid="archived-badge"]').waitFor();
    await page.locator('[data-testid="toast"]', { hasText: "archived" }).locator('[data-testid="toast-action"]').click();
    await page.locator('[data-testid="archived-badge"]').waitFor({ state: "detached" });
    expect((await apiCall<{ archivedAt: string | null }>(context, "GET", `/api/v1/entities/${ENTITY}/customers/${customer.id}`)).body.archivedAt).toBeNull();

    const product = await post<{ id: string }>(context, "/products", { name: uniqueName("Undo product") });
    await page.goto(`/${ENTITY}/products/${product.id}`);
    await page.locator('[data-testid="archive-product"]').click();
    await page.locator('[data-testid="confirm-archive"]').click();
    await page.locator('[data-testid="unarchive-product"]').click();
    await page.locator('[data-testid="archive-product"]').waitFor();

    const quote = await quoteWith(context, [{ priceId: "price_us_platform_monthly", quantity: "1" }]);
    await page.goto(`/${ENTITY}/quotes/${quote.id}`);
    await page.locator('[data-testid="quote-lines"]').waitFor();
    await page.locator('[data-testid="archive-quote"]').click();
    await page.locator('[data-testid="confirm-archive"]').click();
    await page.locator('[data-testid="unarchive-quote"]').click();
    await page.locator('[data-testid="archive-quote"]').waitFor();
    await page.locator('[data-testid="line-quantity"]').first().waitFor(); // editable again
  });
  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`a quote with monthly and one-time lines shows recurring, one-time, first invoice and contract value; the term is editable (${device})`, async () => {
      const { context, page } = await open("admin@acme.test", options);
      const quote = await quoteWith(context, [
        { priceId: "price_us_platform_monthly", quantity: "1" },
        { priceId: "price_us_onboarding_once", quantity: "1" },
      ]);
      const api = (await apiCall<{ totals: { oneTime: string; firstInvoice: string; totalContractValue: string; recurring: Record<string, string> } }>(context, "GET", `/api/v1/entities/${ENTITY}/quotes/${quote.id}`)).body;
      expect(api.totals.recurring.MONTHLY).toBe("1250.00");
      await page.goto(`/${ENTITY}/quotes/${quote.id}`);
      await page.locator('[data-testid="quote-lines"]').waitFor();
      await waitForLive(page);
      const figures = page.locator('[data-testid="quote-figures"]');
      expect(await figures.locator('[data-testid="figure-recurring"] dd').textContent()).toBe("$1,250.00 / month");
      expect(await figures.locator('[data-testid="figure-one-time"] dd').textContent()).toBe(`$${Number(api.totals.oneTime).toLocaleString("en-US", { minimumFractionDigits: 2 })}`);
      expect(await figures.locator('[data-testid="figure-first-invoice"] dd').textContent()).toBe(`$${Number(api.totals.firstInvoice).toLocaleString("en-US", { minimumFractionDigits: 2 })}`);
      expect(await figures.locator('[data-testid="figure-contract-value"]').textContent()).toContain("12 months");
      expect(await page.locator('[data-testid="total-contract-value"]').textContent()).toBe(`$${Number(api.totals.totalContractValue).toLocaleString("en-US", { minimumFractionDigits: 2 })}`);
      await screenshot(page, `trust-figures-${device}`, false);

      // 24 months: the contract value follows (co-editing set op), and the server agrees.
      const length = page.locator('[data-testid="quote-contract-length"]');
      await length.fill("24");
      await length.blur();
      await expect
        .poll(async () => (await apiCall<{ contractLengthMonths: number; totals: { totalContractValue: string } }>(context, "GET", `/api/v1/entities/${ENTITY}/quotes/${quote.id}`)).body.contractLengthMonths, POLL)
        .toBe(24);
      const after = (await apiCall<{ totals: { totalContractValue: string } }>(context, "GET", `/api/v1/entities/${ENTITY}/quotes/${quote.id}`)).body;
      await expect.poll(() => page.locator('[data-testid="quote-totals"]').getAttribute("data-tcv"), POLL).toBe(after.totals.totalContractValue);
      expect(await figures.locator('[data-testid="figure-contract-value"]').textContent()).toContain("2 years");

      // The public page's Accept button says what is accepted.
      const published = await post<{ publicUrl: string }>(context, `/quotes/${quote.id}/publish`, {});
      const buyer = await anonymous(options);
      const pp = await buyer.newPage();
      await pp.goto(published.publicUrl.replace(/^https?:\/\/[^/]+/, BASE_URL));
      await pp.locator('[data-testid="public-quote"][data-state="open"]').waitFor();
      expect(await pp.locator('[data-testid="accept-submit"]').textContent()).toMatch(/^\s*Accept: \$1,250\.00 \/ month for 2 years \+ \$[\d,.]+ one-time\s*$/);
      await screenshot(pp, `trust-public-${device}`);
    });
  }
  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`a customer's page shows its quotes and activity, and starts a quote for it (${device})`, async () => {
      const { context, page } = await open("admin@acme.test", options);
      const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("History Co"), currency: "USD" });
      const quote = await post<{ id: string }>(context, "/quotes", { customerId: customer.id, title: uniqueName("For history"), currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] });
      const edited = await apiCall(context, "PATCH", `/api/v1/entities/${ENTITY}/customers/${customer.id}`, { email: "ap@history.example" }, { "If-Match": `"${customer.rev}"` });
      expect(edited.status).toBe(200);
      await page.goto(`/${ENTITY}/customers/${customer.id}`);
      await page.locator(`[data-testid="customer-quote"][data-id="${quote.id}"]`).waitFor();
      await expect.poll(() => page.locator('[data-testid="activity-entry"]').count(), POLL).toBeGreaterThanOrEqual(2);
      const actions = await page.locator('[data-testid="activity-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
      expect(actions).toEqual(expect.arrayContaining(["customer.created", "customer.updated"]));
      await screenshot(page, `trust-customer-${device}`);

      await page.locator('[data-testid="new-quote-for-customer"]').click();
      await page.locator('[data-testid="new-quote-form"]').waitFor();
      expect(await page.locator('[data-testid="new-quote-customer"]').inputValue()).toBe(customer.id);
    });
  }
  test("a first load shows the frame at once; a navigation shows progress (held responses, no timing)", async () => {
    const { page } = await open("admin@acme.test");
    // Hold /me: the app cannot render, yet the static frame is there.
    let releaseMe!: () => void;
    const meHeld = new Promise<void>((resolve) => (releaseMe = resolve));
    await page.route("**/api/v1/me", async (route) => {
      await meHeld;
      await route.continue();
    });
    await page.goto(`/${ENTITY}/customers`, { waitUntil: "domcontentloaded" });
    await page.locator("#boot .b-top").waitFor();
    expect(await page.locator('[data-testid="customer-list"]').count()).toBe(0);
    await screenshot(page, "trust-boot-frame", false);
    releaseMe();
    await page.locator('[data-testid="customer-list"]').waitFor();
    await page.locator("#boot").waitFor({ state: "detached" });
    await page.unroute("**/api/v1/me");

    // Hold the products list: the progress bar shows until it answers.
    let releaseList!: () => void;
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    await page.route(/\/api\/v1\/entities\/[^/]+\/products(\?|$)/, async (route) => {
      await listHeld;
      await route.continue();
    });
    await page.locator('[data-testid="nav-products"]').click();
    await page.locator('[data-testid="nav-progress"]').waitFor();
    releaseList();
    await page.locator('[data-testid="product-row"]').first().waitFor();
    await page.locator('[data-testid="nav-progress"]').waitFor({ state: "detached" });
  });

  test("when someone overwrites the value you set, a quiet notice says who and what; presence clears offline", async () => {
    const admin = await open("admin@acme.test");
    const sales = await open("sales@acme.test", PHONE);
    const quote = await quoteWith(admin.context, [{ priceId: "price_us_platform_monthly", quantity: "1" }]);
    for (const p of [admin.page, sales.page]) {
      await p.goto(`/${ENTITY}/quotes/${quote.id}`);
      await p.locator('[data-testid="quote-lines"]').waitFor();
      await waitForLive(p);
    }
    await admin.page.locator('[data-testid="presence-user"][data-name="Sam Sales"]').waitFor();
    const adminQty = admin.page.locator('[data-testid="line-quantity"]').first();
    await adminQty.fill("25");
    await adminQty.blur();
    await expect.poll(() => admin.page.locator('[data-testid="save-state"]').getAttribute("data-state"), POLL).toBe("saved");
    await expect.poll(() => sales.page.locator('[data-testid="line-quantity"]').first().inputValue(), POLL).toBe("25");

    const salesQty = sales.page.locator('[data-testid="line-quantity"]').first();
    await salesQty.fill("40");
    await salesQty.blur();
    const notice = admin.page.locator('[data-testid="overwrite-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain("Sam Sales changed Qty on line 1 to 40");
    expect(await sales.page.locator('[data-testid="overwrite-notice"]').count()).toBe(0); // their own change
    await screenshot(admin.page, "trust-overwrite-notice", false);

    // Offline, the admin's editor no longer claims who is here.
    await admin.context.setOffline(true);
    await admin.page.locator('[data-testid="connection-status"]:not([data-state="live"])').waitFor();
    await expect.poll(() => admin.page.locator('[data-testid="presence-user"]').count(), POLL).toBe(0);
    await admin.context.setOffline(false);
    await waitForLive(admin.page);
    await admin.page.locator('[data-testid="presence-user"][data-name="Sam Sales"]').waitFor();
  });
  test("bad tier input gets a field error at its row, gone once fixed (phone)", async () => {
    const { context, page } = await open("admin@acme.test", PHONE);
    const product = await post<{ id: string }>(context, "/products", { name: uniqueName("Tiered Co") });
    await page.goto(`/${ENTITY}/products/${product.id}`);
    await page.locator('[data-testid="prices-empty"]').waitFor();
    await waitForLive(page);
    await page.locator('[data-testid="add-price"]').tap();
    const editor = page.locator('[data-testid="price-editor"]');
    await editor.locator('[data-testid="model-GRADUATED"]').tap();
    const row = (i: number) => editor.locator(`[data-testid="tier-row"][data-index="${i}"]`);
    await row(0).locator('[data-testid="tier-upperBound"]').fill("100");
    await row(0).locator('[data-testid="tier-price"]').fill("2");
    await row(1).locator('[data-testid="tier-price"]').fill("abc");
    await editor.locator('[data-testid="error-tiers.1.price"]').waitFor();
    await screenshot(page, "trust-tier-error-phone", false);
    await row(1).locator('[data-testid="tier-price"]').fill("1");
    await expect.poll(() => editor.locator('[data-testid="error-tiers.1.price"]').count(), POLL).toBe(0);
  });
});
