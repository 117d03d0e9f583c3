/// <reference lib="dom" />
// The Integrations page against the Xero fake (scripts/test.ts serves it at XERO_FAKE_URL and points the
// Worker's XERO_*_URL vars at it): an admin connects acme-uk through the fake's consent page by clicking,
// sees "Connected to <organisation>", sets the mappings from pickers filled from Xero (and a refused one
// shows Xero's reason at its field); on a phone, by tap, a consent cancelled at Xero says so, and
// Disconnect asks first; and an invoice finalized in the browser reaches Xero and shows SYNCED live, on its
// page ("In Xero", linking to it) and in the sync log open in another tab, without a reload.
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { DESKTOP, PHONE, POLL, apiCall, axeViolations, createCustomer, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-uk";
const XERO = (process.env.XERO_FAKE_URL ?? "http://127.0.0.1:8790").replace(/\/+$/, "");
const { open } = useBrowser();

/** An organisation of its own in the fake, so a rerun or another file never shares one. */
async function newOrganisation(): Promise<string> {
  const name = uniqueName("Acme UK Books");
  const res = await fetch(`${XERO}/__tenants`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, baseCurrency: "GBP" }) });
  expect(res.status).toBe(201);
  return name;
}

const card = (page: Page) => page.locator('[data-testid="xero-card"]');

/** On the fake's consent page: pick the organisation and answer, by click or by tap. */
async function consent(page: Page, organisation: string, decision: "Allow access" | "Cancel", touch: boolean) {
  await page.waitForURL((url) => url.href.startsWith(`${XERO}/identity/connect/authorize`));
  const pick = page.locator("label", { hasText: organisation });
  const answer = page.getByRole("button", { name: decision });
  if (touch) {
    await pick.tap();
    await answer.tap();
  } else {
    await pick.click();
    await answer.click();
  }
  await page.waitForURL((url) => url.pathname === `/${ENTITY}/settings/integrations`);
}

describe("Xero integration (web)", () => {
  test("an admin connects acme-uk through the consent page and sets the mappings from Xero's pickers (1280 px)", async () => {
    const organisation = await newOrganisation();
    const { context, page } = await open("admin@acme.test", DESKTOP);
    // A connection left by an earlier run of this state would change what the page offers.
    await apiCall(context, "DELETE", `/api/v1/entities/${ENTITY}/integrations/xero`);

    await page.goto(`/${ENTITY}/settings`);
    await page.locator('[data-testid="integrations-link"]').click();
    await expect.poll(() => card(page).getAttribute("data-state"), POLL).toBe("NOT_CONNECTED");
    await expect.poll(() => card(page).locator('[data-testid="xero-state"]').innerText(), POLL).toContain("Not connected");

    await page.locator('[data-testid="xero-connect"]').click();
    await consent(page, organisation, "Allow access", false);
    await expect.poll(() => page.locator('[data-testid="xero-notice"]').getAttribute("data-kind"), POLL).toBe("connected");
    await expect.poll(() => card(page).locator('[data-testid="xero-state"]').innerText(), POLL).toContain(`Connected to ${organisation}`);
    // The notice is said once: the query string is gone, so a reload does not repeat it.
    expect(new URL(page.url()).searchParams.get("xero")).toBeNull();

    // Mappings, from pickers filled with the organisation's accounts, tax types and items.
    const form = page.locator('[data-testid="xero-mappings-form"]');
    await form.waitFor();
    const revenue = form.locator('[data-testid="mapping-defaultRevenueAccount"]');
    await expect.poll(() => revenue.locator("option").allInnerTexts(), POLL).toContain("210 · Subscription Revenue");
    // The archived account and non-revenue ones are not offered.
    expect(await revenue.locator("option").allInnerTexts()).not.toContain("250 · Legacy Sales (archived)");
    await revenue.selectOption("210");
    await form.locator('[data-testid="mapping-paymentAccount"]').selectOption("090");
    const taxRate = form.locator('[data-testid="mapping-tax-rate"] select').first();
    const taxRateId = (await taxRate.getAttribute("name"))!.replace(/^taxTypes\./, "");
    await taxRate.selectOption("OUTPUT2");
    await form.locator('[data-testid="mapping-products"] summary').click();
    const item = form.locator('[data-testid="mapping-product"] select[name$=".itemCode"]').first();
    const productId = (await item.getAttribute("name"))!.split(".")[1]!;
    await item.selectOption("PLATFORM");
    await form.locator('[data-testid="xero-mappings-save"]').click();
    // Mappings an earlier organisation left (another file, a rerun) show "Last saved" already: wait for what is stored.
    const stored = async () => (await apiCall<Record<string, unknown>>(context, "GET", `/api/v1/entities/${ENTITY}/integrations/xero/mappings`)).body;
    await expect.poll(stored, POLL).toMatchObject({ defaultRevenueAccount: "210", paymentAccount: "090", taxTypes: { [taxRateId]: "OUTPUT2" }, products: { [productId]: { itemCode: "PLATFORM" } }, stale: false });

    // A reload shows what is stored.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="mapping-defaultRevenueAccount"]').inputValue(), POLL).toBe("210");
    await waitForLive(page);
    await screenshot(page, "integrations-desktop");
    expect(await axeViolations(page)).toEqual([]);

    // Xero refuses an account it archived: the server's reason shows at that picker. (The pickers never
    // offer one, so the options answer is widened in this browser only; Xero's check is the server's.)
    await page.route("**/integrations/xero/options", async (route) => {
      const response = await route.fetch();
      const options = (await response.json()) as { revenueAccounts: { code: string; name: string; type: string }[] };
      options.revenueAccounts.push({ code: "250", name: "Legacy Sales", type: "REVENUE" });
      await route.fulfill({ response, json: options });
    });
    await page.reload();
    const picker = page.locator('[data-testid="mapping-defaultRevenueAccount"]');
    await expect.poll(() => picker.locator("option").allInnerTexts(), POLL).toContain("250 · Legacy Sales");
    await picker.selectOption("250");
    await page.locator('[data-testid="xero-mappings-save"]').click();
    const error = page.locator('[data-testid="error-defaultRevenueAccount"]');
    await expect.poll(() => error.innerText(), POLL).toContain("archived");
    expect(await picker.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "integrations-mapping-refused");
    await page.unroute("**/integrations/xero/options");
    const unchanged = await apiCall<{ defaultRevenueAccount: string }>(context, "GET", `/api/v1/entities/${ENTITY}/integrations/xero/mappings`);
    expect(unchanged.body.defaultRevenueAccount).toBe("210");

    // The sync log is there, with the counts from the status.
    const log = page.locator('[data-testid="xero-sync"]');
    await log.waitFor();
    const status = await apiCall<{ pending: number; failed: number }>(context, "GET", `/api/v1/entities/${ENTITY}/integrations/xero/status`);
    expect(await log.locator('[data-testid="xero-pending"]').getAttribute("data-count")).toBe(String(status.body.pending));
    expect(await log.locator('[data-testid="xero-failed"]').getAttribute("data-count")).toBe(String(status.body.failed));
  });

  test("on a phone, by tap: a consent cancelled at Xero says so, reconnect, and disconnect asks first (375 px)", async () => {
    const organisation = await newOrganisation();
    const { context, page } = await open("admin@acme.test", PHONE);
    await apiCall(context, "DELETE", `/api/v1/entities/${ENTITY}/integrations/xero`);
    await page.goto(`/${ENTITY}/settings/integrations`);
    await expect.poll(() => card(page).getAttribute("data-state"), POLL).toBe("NOT_CONNECTED");
    expect(await hasNoHorizontalScroll(page)).toBe(true);

    await page.locator('[data-testid="xero-connect"]').tap();
    await consent(page, organisation, "Cancel", true);
    await expect.poll(() => page.locator('[data-testid="xero-notice"]').innerText(), POLL).toContain("cancelled at Xero");
    expect(await card(page).getAttribute("data-state")).toBe("NOT_CONNECTED");

    await page.locator('[data-testid="xero-connect"]').tap();
    await consent(page, organisation, "Allow access", true);
    await expect.poll(() => card(page).locator('[data-testid="xero-state"]').innerText(), POLL).toContain(`Connected to ${organisation}`);
    await page.locator('[data-testid="xero-mappings-form"]').waitFor();
    // The stored per-product mapping keeps that section open.
    expect(await page.locator('[data-testid="mapping-products"]').getAttribute("open")).not.toBeNull();
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "integrations-phone");

    await page.locator('[data-testid="xero-disconnect"]').tap();
    await page.getByRole("alertdialog").waitFor();
    await page.locator('[data-testid="xero-confirm-disconnect"]').tap();
    await expect.poll(() => card(page).getAttribute("data-state"), POLL).toBe("NOT_CONNECTED");
    expect(await page.locator('[data-testid="xero-mappings-form"]').count()).toBe(0);
    const list = await apiCall<{ items: { connected: boolean }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/integrations`);
    expect(list.body.items[0]!.connected).toBe(false);
  });

  test("connect, map, finalize an invoice in the browser: it shows SYNCED live on its page and in the sync log (1280 px)", async () => {
    const organisation = await newOrganisation();
    const { context, page } = await open("admin@acme.test", DESKTOP);
    await apiCall(context, "DELETE", `/api/v1/entities/${ENTITY}/integrations/xero`);

    // Connect through the consent page, then map revenue, bank and the first tax rate.
    await page.goto(`/${ENTITY}/settings/integrations`);
    await page.locator('[data-testid="xero-connect"]').click();
    await consent(page, organisation, "Allow access", false);
    await expect.poll(() => card(page).locator('[data-testid="xero-state"]').innerText(), POLL).toContain(`Connected to ${organisation}`);
    const form = page.locator('[data-testid="xero-mappings-form"]');
    await form.waitFor();
    const revenue = form.locator('[data-testid="mapping-defaultRevenueAccount"]');
    await expect.poll(() => revenue.locator("option").allInnerTexts(), POLL).toContain("200 · Sales");
    await revenue.selectOption("200");
    await form.locator('[data-testid="mapping-paymentAccount"]').selectOption("090");
    const taxRate = form.locator('[data-testid="mapping-tax-rate"]', { hasText: "VAT 20%" }).locator("select").first();
    const taxRateId = (await taxRate.getAttribute("name"))!.replace(/^taxTypes\./, "");
    await taxRate.selectOption("OUTPUT2");
    await form.locator('[data-testid="xero-mappings-save"]').click();
    await form.locator('[data-testid="xero-mappings-saved"]').waitFor();

    // The sync log stays open in another tab: it must change by itself.
    const logPage = await context.newPage();
    await logPage.goto(`/${ENTITY}/settings/integrations`);
    await logPage.locator('[data-testid="xero-sync"]').waitFor();
    await waitForLive(logPage);

    // A draft, finalized on its page by click.
    const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Synced Buyer"), currency: "GBP", country: "GB" });
    const draft = await apiCall<{ id: string }>(context, "POST", `/api/v1/entities/${ENTITY}/invoices`, { customerId: customer.id, currency: "GBP", lines: [{ title: "Implementation", quantity: "2", rate: "450", taxRateId }] }, { "Idempotency-Key": crypto.randomUUID() });
    expect(draft.status).toBe(201);
    await page.goto(`/${ENTITY}/invoices/${draft.body.id}`);
    await waitForLive(page);
    // Marks on both windows: a reload would drop them.
    for (const p of [page, logPage]) await p.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
    await page.locator('[data-testid="finalize-invoice"]').click();
    await expect.poll(() => page.locator('[data-testid="invoice-status"]').getAttribute("data-status"), POLL).toBe("FINAL");

    // "In Xero" appears on the invoice's page, linking to the invoice Xero made.
    const badge = page.locator('[data-testid="invoice-in-xero"]');
    await badge.waitFor();
    const xeroId = (await badge.getAttribute("data-xero-id"))!;
    expect(await badge.getAttribute("href")).toBe(`https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=${xeroId}`);
    const status = await apiCall<{ objects: { type: string; id: string; state: string; xeroId: string | null }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/integrations/xero/status`);
    expect(status.body.objects.find((o) => o.type === "invoice" && o.id === draft.body.id)).toMatchObject({ state: "SYNCED", xeroId });

    // The log in the other tab shows the invoice and its contact SYNCED.
    const entry = logPage.locator(`[data-testid="xero-sync-object"][data-type="invoice"][data-id="${draft.body.id}"]`);
    await expect.poll(() => entry.getAttribute("data-state"), POLL).toBe("SYNCED");
    // Named as finance knows them: the invoice's number, the customer's name.
    const number = (await apiCall<{ invoiceNumber: string }>(context, "GET", `/api/v1/entities/${ENTITY}/invoices/${draft.body.id}`)).body.invoiceNumber;
    expect(await entry.locator('[data-testid="xero-sync-label"]').innerText()).toBe(number);
    expect(await logPage.locator(`[data-testid="xero-sync-object"][data-type="contact"][data-id="${customer.id}"] [data-testid="xero-sync-label"]`).innerText()).toBe(customer.legalName);
    await expect.poll(() => logPage.locator(`[data-testid="xero-sync-object"][data-type="contact"][data-id="${customer.id}"]`).getAttribute("data-state"), POLL).toBe("SYNCED");
    for (const p of [page, logPage]) expect(await p.evaluate(() => (window as unknown as { __kept?: boolean }).__kept)).toBe(true);
    await screenshot(page, "invoice-in-xero");
    await screenshot(logPage, "integrations-sync-log");

    // Xero has it once, with its number.
    const tenants = (await (await fetch(`${XERO}/__tenants`)).json()) as { items: { tenantName: string; invoices: number; contacts: number }[] };
    expect(tenants.items.find((t) => t.tenantName === organisation)).toMatchObject({ invoices: 1, contacts: 1 });
    await apiCall(context, "DELETE", `/api/v1/entities/${ENTITY}/integrations/xero`);
  });

  test("a sales member reads the state but is offered neither connect nor mappings", async () => {
    const { page } = await open("sales@acme.test", DESKTOP);
    await page.goto(`/${ENTITY}/settings/integrations`);
    await card(page).waitFor();
    await page.locator('[data-testid="xero-state"]').waitFor();
    expect(await page.locator('[data-testid="xero-connect"], [data-testid="xero-reconnect"], [data-testid="xero-disconnect"]').count()).toBe(0);
    expect(await page.locator('[data-testid="xero-mappings-form"]').count()).toBe(0);
  });
});
