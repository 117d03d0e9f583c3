/// <reference lib="dom" />
// Customers screens: field errors from the API, pagination, search, edit with If-Match
// (conflict -> "changed by someone else"), archive seen live by another user, read-only roles.
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import {
  PHONE,
  apiCall,
  createCustomer,
  hasNoHorizontalScroll,
  screenshot,
  uniqueName,
  waitForLive,
  type TestCustomer,
  POLL,
  useBrowser,
  customerRowNamed,
} from "./support.ts";

const { open } = useBrowser();

const rows = (page: Page) => page.locator('[data-testid="customer-row"]');
const rowNamed = customerRowNamed;

describe("customers", () => {
  test("the new-customer form shows the API's field errors next to the fields", async () => {
    const { page } = await open("admin@acme.test", PHONE);
    await page.goto("/acme-us/customers");
    await page.locator('[data-testid="customer-list"]').waitFor();
    await page.tap('[data-testid="new-customer"]');
    const form = page.locator('[data-testid="customer-form"]');
    await form.locator('input[name="legalName"]').fill(uniqueName("Invalid Co"));
    await form.locator('input[name="email"]').fill("not-an-email");
    await form.locator('input[name="withAddress"]').check();
    await form.locator('input[name="address.line1"]').fill("1 Main Street");
    await form.locator('[data-testid="customer-save"]').tap();

    await form.locator('[data-testid="form-error"]').waitFor();
    await form.locator('[data-testid="error-email"]').waitFor();
    await form.locator('[data-testid="error-address.city"]').waitFor();
    await form.locator('[data-testid="error-address.postalCode"]').waitFor();
    expect(await form.locator('input[name="email"]').getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator('[data-testid="error-legalName"]').count()).toBe(0);
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "customers-phone-field-errors");

    // Fixing them creates the customer.
    await form.locator('input[name="email"]').fill("ap@fixed.example");
    await form.locator('input[name="address.city"]').fill("Springfield");
    await form.locator('input[name="address.postalCode"]').fill("12345");
    const name = await form.locator('input[name="legalName"]').inputValue();
    await form.locator('[data-testid="customer-save"]').tap();
    await page.locator('[data-testid="customer-form"]').waitFor({ state: "detached" });
    await rowNamed(page, name).waitFor();
  });

  test("search and Load more page through the list with the cursor", async () => {
    const { context, page } = await open("admin@acme.test");
    const tag = uniqueName("Paged").replace(" ", "-");
    const created = await Promise.all(
      Array.from({ length: 27 }, (_, i) =>
        createCustomer(context, "acme-uk", { legalName: `${tag} ${String(i).padStart(2, "0")}`, country: "GB" }),
      ),
    );
    expect(created).toHaveLength(27);

    await page.goto("/acme-uk/customers");
    await page.locator('[data-testid="customer-list"]').waitFor();
    await page.fill('[data-testid="customer-search"]', tag);
    await page.waitForURL((url) => url.searchParams.get("q") === tag);
    const onlyTagged = async () => {
      const names = await page.locator('[data-testid="customer-name"]').allTextContents();
      return names.length > 0 && names.every((n) => n.includes(tag)) ? names.length : -1;
    };
    await expect.poll(onlyTagged, POLL).toBe(25);

    await page.click('[data-testid="load-more"]');
    await expect.poll(() => rows(page).count(), POLL).toBe(27);
    expect(await page.locator('[data-testid="load-more"]').count()).toBe(0);
    const ids = await rows(page).evaluateAll((els) => els.map((el) => el.getAttribute("data-id")));
    expect(new Set(ids).size).toBe(27);

    // The search is in the URL: a reload shows the same result.
    await page.reload();
    await expect.poll(onlyTagged, POLL).toBe(25);
    expect(await page.inputValue('[data-testid="customer-search"]')).toBe(tag);
  });

  test("edit saves with If-Match; a concurrent change gives 'changed by someone else' and the latest version", async () => {
    const { context, page } = await open("admin@acme.test");
    const other = await open("sales@acme.test");
    const name = uniqueName("Editable Co");
    const c = await createCustomer(context, "acme-us", { legalName: name });

    await page.goto(`/acme-us/customers/${c.id}`);
    await page.locator('[data-testid="customer-title"]').waitFor();
    await waitForLive(page);

    // A plain edit.
    await page.click('[data-testid="edit-customer"]');
    const form = page.locator('[data-testid="customer-form"]');
    await form.locator('input[name="legalName"]').fill(`${name} Renamed`);
    await form.locator('[data-testid="customer-save"]').click();
    await expect.poll(() => page.locator('[data-testid="customer-title"]').textContent(), POLL).toBe(`${name} Renamed`);

    // Someone else changes it while this user edits.
    await page.click('[data-testid="edit-customer"]');
    const current = await apiCall<TestCustomer>(other.context, "GET", `/api/v1/entities/acme-us/customers/${c.id}`);
    const patched = await apiCall<TestCustomer & { email: string }>(
      other.context,
      "PATCH",
      `/api/v1/entities/acme-us/customers/${c.id}`,
      { email: "changed@elsewhere.example" },
      { "If-Match": `"${current.body.rev}"` },
    );
    expect(patched.status).toBe(200);
    await page.locator('[data-testid="changed-while-editing"]').waitFor(); // told live

    await form.locator('input[name="legalName"]').fill(`${name} Mine`);
    await form.locator('[data-testid="customer-save"]').click();
    const notice = page.locator('[data-testid="customer-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain("changed by someone else");
    const details = page.locator('[data-testid="customer-details"]');
    await details.waitFor();
    expect(await details.textContent()).toContain("changed@elsewhere.example");
    expect(await page.locator('[data-testid="customer-title"]').textContent()).toBe(`${name} Renamed`);
    await screenshot(page, "customers-conflict");
  });

  test("archive: the customer leaves another user's list live", async () => {
    const { context, page } = await open("admin@acme.test", PHONE);
    const watcher = await open("sales@acme.test");
    const name = uniqueName("Archivable Co");
    const c = await createCustomer(context, "acme-us", { legalName: name });

    await watcher.page.goto(`/acme-us/customers?q=${encodeURIComponent(name)}`);
    await rowNamed(watcher.page, name).waitFor();
    await waitForLive(watcher.page);

    await page.goto(`/acme-us/customers/${c.id}`);
    await page.locator('[data-testid="customer-title"]').waitFor();
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await page.tap('[data-testid="archive-customer"]');
    await page.tap('[data-testid="confirm-archive"]');
    await page.locator('[data-testid="archived-badge"]').waitFor();
    expect(await page.locator('[data-testid="edit-customer"]').count()).toBe(0);
    await screenshot(page, "customers-phone-archived");

    await rowNamed(watcher.page, name).waitFor({ state: "detached" });
    // Still there with "Archived" ticked.
    await watcher.page.click(".archived-toggle input");
    await rowNamed(watcher.page, name).waitFor();
  });

  test("a customer of another entity is not found under this entity's path", async () => {
    const { context, page } = await open("admin@acme.test");
    const uk = await createCustomer(context, "acme-uk", { legalName: uniqueName("UK Co"), country: "GB" });
    await page.goto(`/acme-us/customers/${uk.id}`);
    await page.locator('[data-testid="error-page"]').waitFor();
    expect(await page.locator('[data-testid="customer-title"]').count()).toBe(0);
    expect(await page.locator('[data-testid="current-entity"]').textContent()).toContain("Acme Inc");
  });
});
