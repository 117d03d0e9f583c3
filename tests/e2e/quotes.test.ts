/// <reference lib="dom" />
// Quotes in the browser: two people co-editing one DRAFT (desktop + phone) converge on exactly what
// the API holds; edits made offline are queued and sent once on reconnect; publish -> the customer
// accepts on the public page (no login) -> the editor shows it live; read-only roles.
import { describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import {
  BASE_URL,
  DESKTOP,
  PHONE,
  POLL,
  apiCall,
  createCustomer,
  hasNoHorizontalScroll,
  screenshot,
  uniqueName,
  waitForLive,
  useBrowser,
} from "./support.ts";

const ENTITY = "acme-us";
const { open, anonymous } = useBrowser();

interface ApiQuote {
  id: string;
  rev: number;
  status: string;
  publicUrl: string | null;
  lines: {
    id: string;
    priceId: string;
    quantity: string;
    discount: { type: string; value: string } | null;
    description: string | null;
    amounts: { total: string };
  }[];
  totals: { subtotal: string; discount: string; total: string };
}

interface Shown {
  lines: { id: string; priceId: string; quantity: string; discount: string; description: string; total: string }[];
  totals: { subtotal: string; discount: string; total: string };
}

async function createQuote(context: BrowserContext, lines: { priceId: string; quantity: string }[]): Promise<ApiQuote> {
  const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Quote Buyer"), currency: "USD", country: "US" });
  const res = await apiCall<ApiQuote>(
    context,
    "POST",
    `/api/v1/entities/${ENTITY}/quotes`,
    { customerId: customer.id, title: uniqueName("Co-edited quote"), currency: "USD", lines },
    { "Idempotency-Key": crypto.randomUUID() },
  );
  if (res.status !== 201) throw new Error(`create quote: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function getQuote(context: BrowserContext, id: string): Promise<ApiQuote> {
  const res = await apiCall<ApiQuote>(context, "GET", `/api/v1/entities/${ENTITY}/quotes/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The API's quote in the shape the editor exposes (data attributes). */
function asShown(q: ApiQuote): Shown {
  return {
    lines: q.lines.map((l) => ({
      id: l.id,
      priceId: l.priceId,
      quantity: l.quantity,
      discount: l.discount ? `${l.discount.type}:${l.discount.value}` : "",
      description: l.description ?? "",
      total: l.amounts.total,
    })),
    totals: { subtotal: q.totals.subtotal, discount: q.totals.discount, total: q.totals.total },
  };
}

/** What an editor shows: its lines in order with amounts, and its totals. */
function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll<HTMLElement>('[data-testid="quote-line"]')].map((el) => ({
      id: el.dataset.lineId ?? "",
      priceId: el.dataset.priceId ?? "",
      quantity: el.dataset.quantity ?? "",
      discount: el.dataset.discount ?? "",
      description: el.dataset.description ?? "",
      total: el.dataset.total ?? "",
    }));
    const t = document.querySelector<HTMLElement>('[data-testid="quote-totals"]');
    return { lines, totals: { subtotal: t?.dataset.subtotal ?? "", discount: t?.dataset.discount ?? "", total: t?.dataset.total ?? "" } };
  });
}

const saveState = (page: Page) => page.locator('[data-testid="save-state"]').getAttribute("data-state");
const line = (page: Page, id: string) => page.locator(`[data-testid="quote-line"][data-line-id="${id}"]`);
const lineWithPrice = (page: Page, priceId: string) => page.locator(`[data-testid="quote-line"][data-price-id="${priceId}"]`);

async function openEditor(page: Page, id: string) {
  await page.goto(`/${ENTITY}/quotes/${id}`);
  await page.locator('[data-testid="quote-lines"]').waitFor();
  await waitForLive(page);
}

/** Both editors saved, showing the same lines and totals, equal to GET /quotes/{id}. */
async function converged(pages: Page[], context: BrowserContext, id: string): Promise<Shown> {
  let expected: Shown | null = null;
  await expect
    .poll(async () => {
      const states = await Promise.all(pages.map(saveState));
      if (states.some((s) => s !== "saved")) return `not saved yet: ${states.join(", ")}`;
      expected = asShown(await getQuote(context, id));
      const views = await Promise.all(pages.map(shown));
      return views.every((v) => JSON.stringify(v) === JSON.stringify(expected)) ? "converged" : JSON.stringify({ expected, views });
    }, POLL)
    .toBe("converged");
  return expected!;
}

/** Type into an input as a person would (select what is there, then key by key). */
async function typeInto(page: Page, locator: ReturnType<Page["locator"]>, text: string, touch = false) {
  if (touch) await locator.tap();
  else await locator.click();
  await locator.press("ControlOrMeta+a");
  await locator.pressSequentially(text, { delay: 40 });
}

/** Write a line's description (an empty one is behind "+ Add description"). */
async function writeDescription(page: Page, lineLocator: ReturnType<Page["locator"]>, text: string, touch = false) {
  const add = lineLocator.locator('[data-testid="line-add-description"]');
  if (await add.count()) {
    if (touch) await add.tap();
    else await add.click();
  }
  await typeInto(page, lineLocator.locator('[data-testid="line-description"]'), text, touch);
}

describe("quotes", () => {
  test("two editors (desktop and phone) type into different lines at once and converge on the API's quote", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const admin = await open("admin@acme.test", PHONE);
    const quote = await createQuote(sales.context, [
      { priceId: "price_us_seats_monthly", quantity: "10" },
      { priceId: "price_us_platform_monthly", quantity: "1" },
    ]);
    const [l1, l2] = quote.lines.map((l) => l.id);

    await Promise.all([openEditor(sales.page, quote.id), openEditor(admin.page, quote.id)]);
    // Each sees the other on the quote.
    await sales.page.locator('[data-testid="presence-user"][data-name="Ada Admin"]').waitFor();
    await admin.page.locator('[data-testid="presence-user"][data-name="Sam Sales"]').waitFor();

    await Promise.all([
      (async () => {
        const p = sales.page;
        await typeInto(p, line(p, l1).locator('[data-testid="line-quantity"]'), "25");
        await p.locator('[data-testid="add-line"]').selectOption("price_us_storage_package");
        const added = lineWithPrice(p, "price_us_storage_package");
        await typeInto(p, added.locator('[data-testid="line-quantity"]'), "300");
        await writeDescription(p, added, "Archive storage");
      })(),
      (async () => {
        const p = admin.page;
        await typeInto(p, line(p, l2).locator('[data-testid="line-discount"]'), "12.5", true);
        await p.locator('[data-testid="add-line"]').selectOption("price_us_onboarding_once");
        const added = lineWithPrice(p, "price_us_onboarding_once");
        await added.locator('[data-testid="line-discount-type"]').selectOption("NOMINAL");
        await typeInto(p, added.locator('[data-testid="line-discount"]'), "250.00", true);
        await writeDescription(p, line(p, l1), "Support team", true);
      })(),
    ]);

    // The field each holds is marked for the other (admin is still in line 1's description).
    await sales.page
      .locator(`[data-testid="quote-line"][data-line-id="${l1}"] [data-testid="field-presence"][data-name="Ada Admin"]`)
      .waitFor();
    await screenshot(sales.page, "quotes-coedit-desktop");
    await screenshot(admin.page, "quotes-coedit-phone");
    await line(admin.page, l1).locator('[data-testid="line-description"]').blur();

    const final = await converged([sales.page, admin.page], sales.context, quote.id);
    expect(final.lines).toHaveLength(4);
    const byPrice = Object.fromEntries(final.lines.map((l) => [l.priceId, l]));
    expect(byPrice.price_us_seats_monthly).toMatchObject({ id: l1, quantity: "25", description: "Support team" });
    expect(byPrice.price_us_platform_monthly).toMatchObject({ id: l2, discount: "PERCENTAGE:12.5" });
    expect(byPrice.price_us_storage_package).toMatchObject({ quantity: "300", description: "Archive storage" });
    expect(byPrice.price_us_onboarding_once).toMatchObject({ quantity: "1", discount: "NOMINAL:250.00" });
    // 25 seats × 15 + (1250 − 12.5%) + 3 packs of 100 GB × 25 + (5000 − 250)
    expect(final.totals.total).toBe("6293.75");
    expect(await hasNoHorizontalScroll(admin.page)).toBe(true);
  });

  test("edits made offline are queued, sent once on reconnect, and both editors converge", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const admin = await open("admin@acme.test", PHONE);
    const quote = await createQuote(sales.context, [
      { priceId: "price_us_seats_monthly", quantity: "5" },
      { priceId: "price_us_platform_yearly", quantity: "1" },
    ]);
    const [l1, l2] = quote.lines.map((l) => l.id);
    await Promise.all([openEditor(sales.page, quote.id), openEditor(admin.page, quote.id)]);

    const latest = await apiCall<{ seq: number }>(sales.context, "GET", `/api/v1/entities/${ENTITY}/events/latest`);
    await admin.context.setOffline(true);
    await admin.page.locator('[data-testid="connection-status"][data-state="offline"]').waitFor();
    const p = admin.page;
    await typeInto(p, line(p, l1).locator('[data-testid="line-quantity"]'), "8", true);
    await typeInto(p, line(p, l2).locator('[data-testid="line-discount"]'), "10", true);
    await p.locator('[data-testid="add-line"]').selectOption("price_us_onboarding_once");
    // ...and move the new line to the top (touch: buttons, not drag).
    const added = lineWithPrice(p, "price_us_onboarding_once");
    await added.locator('[data-testid="line-up"]').tap();
    await added.locator('[data-testid="line-up"]').tap();
    await expect.poll(async () => (await shown(p)).lines.map((l) => l.priceId)[0], POLL).toBe("price_us_onboarding_once");
    await p.locator('[data-testid="save-state"][data-state="offline"]').waitFor();
    expect(await p.locator('[data-testid="save-state"]').textContent()).toMatch(/Offline — \d+ changes queued/);
    await screenshot(p, "quotes-offline-phone", false);

    // Nothing reached the server yet.
    const during = await getQuote(sales.context, quote.id);
    expect(during.rev).toBe(quote.rev);
    expect(during.lines).toHaveLength(2);

    await admin.context.setOffline(false);
    const final = await converged([sales.page, admin.page], sales.context, quote.id);
    expect(final.lines).toHaveLength(3); // the new line exactly once, moved to the top
    expect(final.lines.map((l) => l.priceId)).toEqual(["price_us_onboarding_once", "price_us_seats_monthly", "price_us_platform_yearly"]);
    expect(final.lines.find((l) => l.id === l1)?.quantity).toBe("8");
    expect(final.lines.find((l) => l.id === l2)?.discount).toBe("PERCENTAGE:10");
    // Each queued batch was applied exactly once: one event per clientOpId, one revision per event.
    const events = await apiCall<{ items: { kind: string; subject: { id: string }; data: { clientOpId?: string } }[] }>(
      sales.context,
      "GET",
      `/api/v1/entities/${ENTITY}/events?after=${latest.body.seq}&limit=100`,
    );
    const batches = events.body.items.filter((e) => e.subject.id === quote.id && e.kind === "quote.updated").map((e) => e.data.clientOpId);
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(new Set(batches).size).toBe(batches.length);
    expect((await getQuote(sales.context, quote.id)).rev).toBe(quote.rev + batches.length);
  });

  test("publish -> the customer accepts on the public page without signing in -> the editor shows ACCEPTED live", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const quote = await createQuote(sales.context, [
      { priceId: "price_us_platform_monthly", quantity: "1" },
      { priceId: "price_us_seats_monthly", quantity: "12" },
    ]);
    await openEditor(sales.page, quote.id);
    await sales.page.locator('[data-testid="publish-quote"]').click();
    await sales.page.locator('[data-testid="quote-status"][data-status="PUBLISHED"]').waitFor();
    const url = await sales.page.locator('[data-testid="public-url"]').inputValue();
    expect(url).toMatch(/\/q\/[^/]+$/);
    expect(await sales.page.locator('[data-testid="line-quantity"]').count()).toBe(0); // read-only now
    await screenshot(sales.page, "quotes-published-desktop");

    const customer = await anonymous(PHONE);
    const cp = await customer.newPage();
    const link = url.replace(/^https?:\/\/[^/]+/, BASE_URL);
    await cp.goto(link);
    await cp.locator('[data-testid="public-quote"][data-state="open"]').waitFor();

    // Revise: a new DRAFT version; the customer sees the published one, marked as being revised.
    await sales.page.locator('[data-testid="revise-quote"]').click();
    await sales.page.locator('[data-testid="quote-status"][data-status="DRAFT"]').waitFor();
    await sales.page.locator('[data-testid="revising-notice"]').waitFor();
    await typeInto(sales.page, sales.page.locator('[data-testid="line-quantity"]').nth(1), "10");
    await cp.reload();
    await cp.locator('[data-testid="public-quote"][data-state="revising"]').waitFor();
    expect(await cp.locator('[data-testid="accept-form"]').count()).toBe(0);
    await screenshot(cp, "quotes-public-revising-phone", false);
    // Publishing version 2 opens it for acceptance again.
    await sales.page.locator('[data-testid="publish-quote"]').click();
    await sales.page.locator('[data-testid="quote-status"][data-status="PUBLISHED"]').waitFor();
    expect(await sales.page.locator('[data-testid="public-url"]').inputValue()).toBe(url); // the link stays
    await cp.reload();
    await cp.locator('[data-testid="public-quote"][data-state="open"]').waitFor();
    expect(await cp.locator('[data-testid="seller-name"]').textContent()).toBe("Acme Inc");
    expect(await cp.locator('[data-testid="public-line"]').count()).toBe(2);
    // Version 2: 1250 + 10 seats × 15 a month, over the default 12 months.
    expect(await cp.locator('[data-testid="public-recurring"][data-frequency="MONTHLY"] dd').textContent()).toBe("$1,400.00 / month");
    expect(await cp.locator('[data-testid="public-total"]').textContent()).toBe("$16,800.00");
    expect(await hasNoHorizontalScroll(cp)).toBe(true);
    await screenshot(cp, "quotes-public-phone");

    await cp.locator('[data-testid="accept-name"]').fill("Pat Buyer");
    await cp.locator('[data-testid="accept-email"]').fill("pat@buyer.example");
    await cp.locator('[data-testid="accept-agree"]').check();
    await cp.locator('[data-testid="accept-submit"]').tap();
    await cp.locator('[data-testid="accepted-state"]').waitFor();
    expect(await cp.locator('[data-testid="accepted-state"]').textContent()).toContain("Pat Buyer");
    await screenshot(cp, "quotes-public-accepted-phone");

    // The seller's editor learns it from the live event, no reload.
    await sales.page.locator('[data-testid="quote-status"][data-status="ACCEPTED"]').waitFor();
    expect(await sales.page.locator('[data-testid="accepted-notice"]').textContent()).toContain("Pat Buyer");
    expect((await getQuote(sales.context, quote.id)).status).toBe("ACCEPTED");
  });

  test("New quote from the list (phone); the list of another user shows it live and filters by status", async () => {
    const admin = await open("admin@acme.test", DESKTOP);
    const sales = await open("sales@acme.test", PHONE);
    const customer = await createCustomer(sales.context, ENTITY, { legalName: uniqueName("List Buyer"), currency: "USD", country: "US" });
    await admin.page.goto(`/${ENTITY}/quotes?status=DRAFT`);
    await admin.page.locator('[data-testid="quote-list"]').waitFor();
    await waitForLive(admin.page);

    const p = sales.page;
    await p.goto(`/${ENTITY}/quotes`);
    await p.locator('[data-testid="quote-list"]').waitFor();
    await p.locator('[data-testid="new-quote"]').tap();
    const title = uniqueName("Phone quote");
    await p.locator('[data-testid="new-quote-customer"]').selectOption(customer.id);
    await p.locator('[data-testid="new-quote-title"]').fill(title);
    await p.locator('[data-testid="new-quote-price"]').selectOption("price_us_platform_yearly");
    await p.locator('[data-testid="new-quote-quantity"]').fill("2");
    expect(await hasNoHorizontalScroll(p)).toBe(true);
    await screenshot(p, "quotes-new-phone");
    await p.locator('[data-testid="new-quote-save"]').tap();
    await p.waitForURL(/\/quotes\/quo_/);
    await p.locator('[data-testid="quote-line"][data-price-id="price_us_platform_yearly"][data-quantity="2"]').waitFor();

    // Live in the other user's Draft list, with its total.
    const row = admin.page.locator('[data-testid="quote-row"]', { has: admin.page.locator('[data-testid="quote-title"]', { hasText: title }) });
    await row.waitFor();
    expect(await row.locator('[data-testid="quote-total"]').textContent()).toBe("$24,000.00");
    await screenshot(admin.page, "quotes-list-desktop");
    await admin.page.locator('[data-testid="filter-published"]').click();
    await admin.page.waitForURL(/status=PUBLISHED/);
    await row.waitFor({ state: "detached" });
  });

  test("finance sees the editor read-only", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const quote = await createQuote(sales.context, [{ priceId: "price_us_seats_monthly", quantity: "3" }]);
    const finance = await open("finance@acme.test", PHONE);
    await openEditor(finance.page, quote.id);
    await finance.page.locator('[data-testid="read-only"]').waitFor();
    await finance.page.locator('[data-testid="quote-line"]').first().waitFor();
    for (const testid of ["line-quantity", "line-discount", "line-price", "add-line", "publish-quote", "submit-quote", "archive-quote", "quote-title-input"]) {
      expect(await finance.page.locator(`[data-testid="${testid}"]`).count(), testid).toBe(0);
    }
    expect(await finance.page.locator('[data-testid="quote-totals"]').getAttribute("data-total")).toBe(quote.totals.total);
    expect(await hasNoHorizontalScroll(finance.page)).toBe(true);
    await screenshot(finance.page, "quotes-readonly-phone");
  });
});
