/// <reference lib="dom" />
// API keys in Settings (an admin creates one, sees its secret once, it works with Bearer, revoking
// it ends it at once; others see no section), and a session that ends while a page is open: the
// room closes its socket with 4001 and the page goes to sign-in by itself.
import { describe, expect, test } from "vitest";
import type { BrowserContext } from "playwright-core";
import { BASE_URL, PHONE, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-us";
const { open, anonymous } = useBrowser();

/** GET the entity's customers with only an API key: no cookie jar, so the key alone decides. */
async function withKey(context: BrowserContext, key: string): Promise<number> {
  const res = await context.request.get(`${BASE_URL}/api/v1/entities/${ENTITY}/customers?limit=1`, {
    headers: { Authorization: `Bearer ${key}`, Accept: "application/json" },
  });
  return res.status();
}

describe("API keys in settings", () => {
  test("an admin creates a key, sees it once, it works, revokes it and it gets 401 (phone)", async () => {
    const { context, page } = await open("admin@acme.test", PHONE);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL });
    const outsider = await anonymous();
    await page.goto(`/${ENTITY}/settings`);
    const section = page.locator('[data-testid="api-keys"]');
    await section.waitFor();
    // The reference link stays.
    await page.locator('[data-testid="api-docs-link"]').waitFor();

    const name = uniqueName("CRM sync");
    await section.locator('[data-testid="api-key-create"]').click();
    // The form opens with the name focused.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("k-name");
    await section.locator('[data-testid="api-key-name"]').fill(name);
    await section.locator('[data-testid="api-key-role"]').selectOption("viewer");
    await section.getByLabel("Expires (optional)").fill("2099-12-31");
    await section.locator('[data-testid="api-key-submit"]').click();

    const secret = section.locator('[data-testid="api-key-secret"]');
    await secret.waitFor();
    expect(await secret.textContent()).toContain("you won't see it again");
    const key = await section.locator('[data-testid="api-key-value"]').inputValue();
    expect(key.length).toBeGreaterThan(20);
    await section.locator('[data-testid="api-key-copy"]').click();
    await section.locator('[data-testid="api-key-copy"]', { hasText: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const row = section.locator('[data-testid="api-key-row"]', { hasText: name });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? "";
    expect(rowText).toContain("viewer");
    expect(rowText).toContain("Never"); // not used yet
    expect(rowText).toContain("2099");
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, "keys-phone-created");

    expect(await withKey(outsider, key)).toBe(200);

    // Once: dismissed, and after a reload, the secret is nowhere on the page; the prefix is.
    await section.locator('[data-testid="api-key-done"]').click();
    await secret.waitFor({ state: "detached" });
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(key);
    const prefix = (await row.locator(".prefix").textContent())!.replace("…", "");
    expect(key.startsWith(prefix)).toBe(true);

    // Revoke asks first; Cancel keeps the key.
    await row.locator('[data-testid="api-key-revoke"]').click();
    await row.getByRole("alertdialog").waitFor();
    await row.getByRole("button", { name: "Cancel" }).click();
    await row.getByRole("alertdialog").waitFor({ state: "detached" });
    await row.locator('[data-testid="api-key-revoke"]').click();
    await row.locator('[data-testid="api-key-confirm-revoke"]').click();
    await row.waitFor({ state: "detached" });

    expect(await withKey(outsider, key)).toBe(401);
  });

  test("a sales member sees no key section (the reference link stays)", async () => {
    const { page } = await open("sales@acme.test");
    await page.goto(`/${ENTITY}/settings`);
    await page.locator('[data-testid="settings-form"]').waitFor();
    await page.locator('[data-testid="api-docs-link"]').waitFor();
    expect(await page.locator('[data-testid="api-keys"]').count()).toBe(0);
  });
});

describe("a session that ends while a page is open", () => {
  test("signed out in another context: the open page goes to sign-in without a reload", async () => {
    const { context, page } = await open("sales@acme.test");
    // A second context with the same session cookie: "another browser window" of this session.
    const other = await anonymous();
    await other.addCookies(await context.cookies());

    const path = `/${ENTITY}/customers?q=zz`;
    await page.goto(path);
    await waitForLive(page);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const res = await other.request.post(`${BASE_URL}/api/auth/sign-out`, { headers: { Origin: BASE_URL } });
    expect(res.status()).toBeLessThan(300);

    await page.waitForURL((u) => u.pathname === "/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe(path);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });
});
