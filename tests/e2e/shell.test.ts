/// <reference lib="dom" />
// The web shell in Chromium: sign-in, workspace switching, access control, environment banner,
// live updates between two users, connection state, and escaping of user text.
// Needs a running, seeded server at KONTOR_URL (default http://127.0.0.1:8787).
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import {
  DEMO_PASSWORD,
  DESKTOP,
  PHONE,
  apiCall,
  createCustomer,
  hasNoHorizontalScroll,
  screenshot,
  uniqueName,
  waitForLive,
  POLL,
  useBrowser,
  customerRowNamed,
} from "./support.ts";

const { open, anonymous } = useBrowser();

const rowNamed = customerRowNamed;

async function customerNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="customer-name"]').allTextContents();
}

describe("web shell", () => {
  test("sign in: a wrong password shows the server's message, the right one opens the first workspace", async () => {
    const context = await anonymous();
    const page = await context.newPage();

    await page.goto("/acme-us/customers");
    await page.waitForURL(/\/sign-in/); // signed out: sent to sign-in

    await page.fill("#email", "admin@acme.test");
    await page.fill("#password", "not-the-password");
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    const error = page.locator('[data-testid="sign-in-error"]');
    await error.waitFor();
    expect((await error.textContent())?.trim().length).toBeGreaterThan(0);

    await page.fill("#password", DEMO_PASSWORD);
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    // came from /acme-us/customers, so it goes back there
    await page.waitForURL(/\/acme-us\/customers$/);
    await page.locator('[data-testid="customer-list"]').waitFor();
    expect(await page.locator('[data-testid="current-entity"]').textContent()).toContain("Acme Inc");

    // A fresh sign-in without `next` lands on the first entity's customers page.
    await page.click('[data-testid="user-menu"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL(/\/sign-in$/);
    await page.fill("#email", "uk@acme.test");
    await page.fill("#password", DEMO_PASSWORD);
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    await page.waitForURL(/\/acme-uk\/customers$/);
  });

  test("sign in: 429 shows the server's message and waits for Retry-After", async () => {
    const context = await anonymous();
    const page = await context.newPage();
    // Answered here, so the real limiter (and other tests) are not affected.
    await page.route("**/api/auth/sign-in/email", (route) =>
      route.fulfill({
        status: 429,
        headers: { "Retry-After": "30" },
        json: { error: { code: "rate_limited", message: "Too many sign-in attempts.", details: [], requestId: "req_test" } },
      }),
    );
    await page.goto("/sign-in");
    await page.fill("#email", "admin@acme.test");
    await page.fill("#password", "whatever");
    await page.click('[data-testid="sign-in-form"] button[type="submit"]');
    const error = page.locator('[data-testid="sign-in-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("Too many sign-in attempts.");
    expect(await error.textContent()).toMatch(/Try again in \d+s/);
    expect(await page.locator('[data-testid="sign-in-form"] button[type="submit"]').isDisabled()).toBe(true);
  });

  test("the workspace switcher changes the URL and the data", async () => {
    const { context, page } = await open("admin@acme.test");
    const usName = uniqueName("US only");
    const ukName = uniqueName("UK only");
    await createCustomer(context, "acme-us", { legalName: usName, country: "US" });
    await createCustomer(context, "acme-uk", { legalName: ukName, country: "GB" });

    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(new URL(ws.url()).pathname));
    await page.goto("/acme-us/customers");
    await rowNamed(page, usName).waitFor();
    expect(await page.locator('[data-testid="current-entity"]').textContent()).toContain("Acme Inc");
    await waitForLive(page);

    // The switcher lists exactly the entities the API says this user may see.
    const mine = await apiCall<{ items: { id: string; slug: string }[] }>(context, "GET", "/api/v1/entities");
    const slugs = mine.body.items.map((e) => e.slug).sort();
    expect(slugs).toEqual(expect.arrayContaining(["acme-de", "acme-uk", "acme-us"]));
    await page.click('[data-testid="entity-switcher"]');
    const options = page.locator('[data-testid="entity-option"]');
    await options.first().waitFor();
    const shown = await options.evaluateAll((els) => els.map((el) => el.getAttribute("data-slug")));
    expect(shown.sort()).toEqual(slugs);
    await screenshot(page, "shell-switcher-desktop", false);

    // Hovering preloads the other workspace's page data but must not move the live connection.
    const ukId = mine.body.items.find((e) => e.slug === "acme-uk")!.id;
    const preloaded = page.waitForRequest((r) => {
      const path = new URL(r.url()).pathname;
      return path.startsWith(`/api/v1/entities/${ukId}/`) || path.startsWith("/api/v1/entities/acme-uk/");
    });
    await page.hover('[data-testid="entity-option"][data-slug="acme-uk"]');
    await preloaded;
    expect(new Set(sockets).size).toBe(1);
    expect(await page.locator('[data-testid="connection-status"]').getAttribute("data-state")).toBe("live");

    await page.click('[data-testid="entity-option"][data-slug="acme-uk"]');

    await page.waitForURL(/\/acme-uk\/customers$/);
    await rowNamed(page, ukName).waitFor();
    expect(await page.locator('[data-testid="current-entity"]').textContent()).toContain("Acme Ltd");
    expect(await customerNames(page)).not.toContain(usName);
    await waitForLive(page);
    // One connection per entity: the acme-uk room now, the acme-us one closed.
    expect(new Set(sockets).size).toBe(2);
    expect(sockets[sockets.length - 1]).not.toBe(sockets[0]);
    await screenshot(page, "shell-customers-desktop");
  });

  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`the workspace switcher works by ${device === "phone" ? "touch" : "mouse"} to every entity, at the top and after scrolling (${device})`, async () => {
      const { context, page } = await open("admin@acme.test", options);
      const mine = await apiCall<{ items: { slug: string; name: string }[] }>(context, "GET", "/api/v1/entities");
      const click = async (selector: string) => {
        const box = await page.locator(selector).boundingBox();
        if (!box) throw new Error(`${selector} is not visible`);
        // The real pointer at the element's centre: whatever is painted on top gets it.
        if (device === "phone") await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
        else await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      };
      for (const scrolled of [false, true]) {
        for (const target of mine.body.items) {
          await page.goto("/acme-us/customers");
          await page.locator('[data-testid="customer-row"]').first().waitFor();
          if (scrolled) {
            // However few rows a fresh database has, the page is taller than the screen.
            await page.evaluate(() => {
              document.querySelector<HTMLElement>("main")!.style.paddingBottom = "2000px";
              window.scrollTo(0, document.documentElement.scrollHeight);
            });
            await expect.poll(() => page.evaluate(() => window.scrollY), POLL).toBeGreaterThan(0);
          }
          await click('[data-testid="entity-switcher"]');
          await click(`[data-testid="entity-option"][data-slug="${target.slug}"]`);
          await page.waitForURL(new RegExp(`/${target.slug}/customers$`));
          await expect
            .poll(() => page.locator('[data-testid="current-entity"]').textContent(), POLL)
            .toContain(target.name);
          if (scrolled && device === "desktop" && target.slug === "acme-us") {
            // Scrolled down, the sidebar stays under the sticky header, not over or behind it.
            await page.evaluate(() => {
              document.querySelector<HTMLElement>("main")!.style.paddingBottom = "2000px";
              window.scrollTo(0, document.documentElement.scrollHeight);
            });
            await expect.poll(() => page.evaluate(() => window.scrollY), POLL).toBeGreaterThan(0);
            const header = await page.locator("header.top").boundingBox();
            const nav = await page.locator("nav.nav").boundingBox();
            expect(header!.y).toBe(0);
            expect(nav!.y).toBeGreaterThanOrEqual(header!.y + header!.height - 1);
            await screenshot(page, "shell-scrolled-desktop", false);
          }
        }
      }
    });
  }

  test("the workspace switcher by keyboard: arrows move, Enter chooses, Escape closes and focus returns", async () => {
    const { page } = await open("admin@acme.test");
    await page.goto("/acme-us/customers");
    await page.locator('[data-testid="customer-row"]').first().waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-slug") ?? document.activeElement?.getAttribute("data-testid") ?? null);

    await page.focus('[data-testid="entity-switcher"]');
    await page.keyboard.press("Enter");
    await page.locator('[role="menu"]').waitFor();
    await expect.poll(focused, POLL).toBe("acme-us"); // the current one
    await page.keyboard.press("Escape");
    await page.locator('[role="menu"]').waitFor({ state: "detached" });
    expect(await focused()).toBe("entity-switcher");

    await page.keyboard.press("ArrowDown");
    await expect.poll(focused, POLL).not.toBe("entity-switcher");
    const order = await page.locator('[data-testid="entity-option"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-slug")));
    expect(await focused()).toBe(order[0]);
    await page.keyboard.press("ArrowDown");
    expect(await focused()).toBe(order[1]);
    await page.keyboard.press("End");
    expect(await focused()).toBe(order.at(-1));
    await page.keyboard.press("ArrowDown"); // wraps
    expect(await focused()).toBe(order[0]);
    await page.keyboard.press("ArrowUp");
    expect(await focused()).toBe(order.at(-1));
    const target = order.at(-1)!;
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/${target}/customers$`));
  });

  test("a customer created by one user appears live for another user of the entity", async () => {
    const a = await open("admin@acme.test");
    const b = await open("sales@acme.test");
    await b.page.goto("/acme-us/customers");
    await b.page.locator('[data-testid="customer-list"]').waitFor();
    await waitForLive(b.page);
    await b.page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    await a.page.goto("/acme-us/customers");
    await a.page.locator('[data-testid="customer-list"]').waitFor();
    const name = uniqueName("Live Co");
    await a.page.click('[data-testid="new-customer"]');
    const form = a.page.locator('[data-testid="customer-form"]');
    await form.locator('input[name="legalName"]').fill(name);
    await form.locator('input[name="email"]').fill("ap@live.example");
    await form.locator('[data-testid="customer-save"]').click();
    await rowNamed(a.page, name).waitFor();

    await rowNamed(b.page, name).waitFor();
    expect(await b.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await screenshot(b.page, "shell-live-second-user");
  });

  test("live updates at 375×812 on touch, without horizontal scroll", async () => {
    const a = await open("admin@acme.test", PHONE);
    const b = await open("sales@acme.test", PHONE);
    await b.page.goto("/acme-us/customers");
    await b.page.locator('[data-testid="customer-list"]').waitFor();
    await waitForLive(b.page);

    await a.page.goto("/acme-us/customers");
    await a.page.locator('[data-testid="customer-list"]').waitFor();
    expect(await hasNoHorizontalScroll(a.page)).toBe(true);

    // Tap targets of the shell are at least 44px tall.
    for (const testid of ["entity-switcher", "env-switcher", "user-menu", "new-customer", "nav-customers"]) {
      const box = await a.page.locator(`[data-testid="${testid}"]`).boundingBox();
      expect(box, testid).not.toBeNull();
      expect(box!.height, testid).toBeGreaterThanOrEqual(44);
    }

    const name = uniqueName("Phone Co");
    await a.page.tap('[data-testid="new-customer"]');
    const form = a.page.locator('[data-testid="customer-form"]');
    await form.locator('input[name="legalName"]').tap();
    await form.locator('input[name="legalName"]').fill(name);
    await form.locator('input[name="email"]').tap();
    await form.locator('input[name="email"]').fill("ap@phone.example");
    expect(await hasNoHorizontalScroll(a.page)).toBe(true);
    await screenshot(a.page, "shell-phone-form");
    await form.locator('[data-testid="customer-save"]').tap();

    await rowNamed(b.page, name).waitFor();
    expect(await hasNoHorizontalScroll(b.page)).toBe(true);
    await screenshot(b.page, "shell-phone-live");

    // The switcher menu fits the screen too.
    await b.page.tap('[data-testid="entity-switcher"]');
    await b.page.locator('[data-testid="entity-option"]').first().waitFor();
    expect(await hasNoHorizontalScroll(b.page)).toBe(true);
    await screenshot(b.page, "shell-phone-switcher", false);
  });

  test("a user sees only their own entities and gets the no-access page for another one", async () => {
    const { page } = await open("uk@acme.test");
    await page.goto("/acme-uk/customers");
    await page.locator('[data-testid="customer-list"]').waitFor();

    await page.click('[data-testid="entity-switcher"]');
    const options = page.locator('[data-testid="entity-option"]');
    await options.first().waitFor();
    expect(await options.count()).toBe(1);
    expect(await options.first().textContent()).toContain("Acme Ltd");
    await page.keyboard.press("Escape");

    // Nothing is requested for an entity the user is not a member of.
    const requested: string[] = [];
    page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/api/v1/entities/") || path.startsWith("/parties/")) requested.push(path);
    });
    await page.goto("/acme-us/customers");
    await page.locator('[data-testid="no-access"]').waitFor();
    expect(await page.locator('[data-testid="customer-list"]').count()).toBe(0);
    expect(await page.locator('[data-testid="customer-row"]').count()).toBe(0);
    expect(requested.filter((p) => !p.startsWith("/api/v1/entities/acme-uk"))).toEqual([]);
    await screenshot(page, "shell-no-access");

    // An unknown slug is the same page.
    await page.goto("/no-such-entity/customers");
    await page.locator('[data-testid="no-access"]').waitFor();
  });

  test("the environment banner: local and sandbox are labelled, production is not", async () => {
    const { context, page } = await open("admin@acme.test");
    const me = await apiCall<{ environment: string }>(context, "GET", "/api/v1/me");
    expect(me.status).toBe(200);

    await page.goto("/acme-us/customers");
    const banner = page.locator('[data-testid="env-banner"]');
    if (me.body.environment === "production") {
      await page.locator('[data-testid="customer-list"]').waitFor();
      expect(await banner.count()).toBe(0);
    } else {
      await banner.waitFor();
      expect(await banner.textContent()).toContain(
        me.body.environment === "sandbox" ? "Sandbox — test data" : "Local — demo data",
      );
    }

    // The same app as served by a sandbox deployment (the /me answer says which one it is).
    for (const environment of ["sandbox", "production"] as const) {
      const other = await anonymous();
      await other.addCookies(await context.cookies());
      const p = await other.newPage();
      await p.route("**/api/v1/me", async (route) => {
        try {
          const res = await route.fetch();
          const body = await res.json();
          await route.fulfill({ response: res, json: { ...body, environment } });
        } catch {
          await route.abort().catch(() => undefined); // the page then shows its error; the test fails there
        }
      });
      await p.goto("/acme-us/customers");
      await p.locator('[data-testid="customer-list"]').waitFor();
      const b = p.locator('[data-testid="env-banner"]');
      if (environment === "sandbox") {
        await b.waitFor();
        expect(await b.textContent()).toContain("Sandbox — test data");
        expect(await p.locator('[data-testid="current-environment"]').textContent()).toContain("Sandbox");
        await screenshot(p, "shell-sandbox-banner", false);
      } else {
        expect(await b.count()).toBe(0);
      }
    }
  });

  test("the environment menu offers only environments that can be reached", async () => {
    for (const options of [DESKTOP, PHONE]) {
      const { page } = await open("admin@acme.test", options);
      // Locally the other environments' URLs are loopback ports where nothing listens: not offered.
      await page.goto("/acme-us/customers");
      await page.locator('[data-testid="customer-list"]').waitFor();
      await page.locator('[data-testid="env-switcher"]').click();
      await page.locator('[role="menu"]').waitFor();
      expect(await page.locator('[role="menu"] [role="menuitemradio"]').count()).toBe(1);
      expect(await page.locator('[data-testid^="env-option-"]').count()).toBe(0);

      // A deployment whose /me lists real origins offers them, at the same path.
      await page.route("**/api/v1/me", async (route) => {
        const res = await route.fetch();
        const body = await res.json();
        await route.fulfill({
          response: res,
          json: { ...body, environments: { ...body.environments, sandbox: "https://sandbox.kontor.example", production: page.url() } },
        });
      });
      await page.reload();
      await page.locator('[data-testid="customer-list"]').waitFor();
      await page.locator('[data-testid="env-switcher"]').click();
      const sandbox = page.locator('[data-testid="env-option-sandbox"]');
      await sandbox.waitFor();
      expect(await sandbox.getAttribute("href")).toBe("https://sandbox.kontor.example/acme-us/customers");
      expect(await page.locator('[data-testid="env-option-production"]').count()).toBe(0); // this origin
    }
  });

  test("user text is rendered as text, never as HTML", async () => {
    const { context, page } = await open("admin@acme.test");
    const tag = uniqueName("xss").replace(" ", "-");
    const name = `<img src=x onerror=alert(1)> ${tag}`;
    const created = await createCustomer(context, "acme-us", { legalName: name });
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });

    await page.goto(`/acme-us/customers?q=${encodeURIComponent(tag)}`);
    const row = rowNamed(page, tag);
    await row.waitFor();
    expect(await row.locator('[data-testid="customer-name"]').textContent()).toBe(name);
    expect(await page.locator('[data-testid="customer-list"] img').count()).toBe(0);

    await page.goto(`/acme-us/customers/${created.id}`);
    const title = page.locator('[data-testid="customer-title"]');
    await title.waitFor();
    expect(await title.textContent()).toBe(name);
    expect(await page.locator("main img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  test("the connection indicator goes Offline/Reconnecting without network and Live again after, catching up", async () => {
    const { context, page } = await open("admin@acme.test");
    const other = await open("sales@acme.test");
    await page.goto("/acme-us/customers");
    await page.locator('[data-testid="customer-list"]').waitFor();
    await waitForLive(page);
    const status = page.locator('[data-testid="connection-status"]');

    await context.setOffline(true);
    await expect
      .poll(() => status.getAttribute("data-state"), POLL)
      .toMatch(/^(offline|reconnecting)$/);
    expect(await status.textContent()).toMatch(/Offline|Reconnecting/);

    // Created while this browser is offline: it must arrive once the connection is back.
    const name = uniqueName("While offline");
    await createCustomer(other.context, "acme-us", { legalName: name });

    await context.setOffline(false);
    await waitForLive(page, 30_000);
    expect(await status.textContent()).toContain("Live");
    await rowNamed(page, name).waitFor();
  });
});
