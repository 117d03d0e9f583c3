/// <reference lib="dom" />
// The whole of issue 12 in the browser, at 1280 px by mouse and at 375 px by tap: a customer accepts a
// quote on its public link; finance executes it into a billing schedule, runs billing for today and
// watches the run's progress; the run's invoice appears live in a second browser's invoice list;
// finance opens it, finalizes it (its number), downloads its PDF, sends it, and credits one seat.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { BrowserContext, Download, Locator, Page } from "playwright-core";
import { subtractMoney } from "../../worker/domain/money.ts";
import { BASE_URL, DESKTOP, PHONE, POLL, apiCall, createCustomer, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-uk";
const API = `/api/v1/entities/${ENTITY}`;
const { open, anonymous } = useBrowser();
const key = () => ({ "Idempotency-Key": crypto.randomUUID() });

async function post<T>(context: BrowserContext, path: string, body: unknown = {}): Promise<T> {
  const res = await apiCall<T>(context, "POST", `${API}${path}`, body, key());
  if (res.status !== 200 && res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function downloaded(page: Page, start: () => Promise<void>): Promise<Buffer> {
  const [download] = (await Promise.all([page.waitForEvent("download"), start()])) as [Download, void];
  return readFileSync(await download.path());
}

/** A monthly quote (platform + 10 seats), published and accepted by the customer on its public link. */
async function acceptedQuote(admin: BrowserContext, legalName: string) {
  const customer = await createCustomer(admin, ENTITY, { legalName, currency: "GBP", country: "GB" });
  const quote = await post<{ id: string }>(admin, "/quotes", {
    customerId: customer.id,
    title: uniqueName("Flow quote"),
    currency: "GBP",
    lines: [
      { priceId: "price_uk_platform_monthly", quantity: "1" },
      { priceId: "price_uk_seats_monthly", quantity: "10" },
    ],
  });
  const published = await post<{ publicUrl: string }>(admin, `/quotes/${quote.id}/publish`);
  const token = new URL(published.publicUrl).pathname.split("/").pop()!;
  const buyer = await anonymous();
  const res = await buyer.request.post(`${BASE_URL}/api/v1/public/quotes/${token}/accept`, { data: { name: "Dana Buyer", email: "dana@buyer.example" }, headers: { Origin: BASE_URL, ...key() } });
  expect(res.status()).toBe(200);
  return { quote, customer };
}

for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
  describe(`accepted quote to credited invoice (${device})`, () => {
    const press = (l: Locator) => (device === "phone" ? l.tap() : l.click());

    test("accept → execute → run billing → the invoice appears live elsewhere → finalize → PDF → send → credit note", async () => {
      const admin = await open("admin@acme.test", DESKTOP);
      const buyer = uniqueName("Flow Buyer");
      const { quote, customer } = await acceptedQuote(admin.context, buyer);
      // The second browser: the invoice list, live.
      await admin.page.goto(`/${ENTITY}/invoices`);
      await admin.page.locator('[data-testid="invoice-list"]').waitFor();
      await waitForLive(admin.page);

      const { page } = await open("finance@acme.test", options);
      // Execute the accepted quote: its schedule, ACTIVE from today.
      await page.goto(`/${ENTITY}/quotes/${quote.id}`);
      await press(page.locator('[data-testid="execute-quote"]'));
      await page.waitForURL(new RegExp(`/${ENTITY}/schedules/[^/]+$`));
      await page.locator('[data-testid="schedule-phases"]').waitFor();
      await expect.poll(() => page.locator('[data-testid="schedule-status"]').getAttribute("data-status"), POLL).toBe("ACTIVE");
      expect(await hasNoHorizontalScroll(page)).toBe(true);

      // Run billing for today, and watch it complete.
      await page.goto(`/${ENTITY}/billing-runs`);
      await page.locator('[data-testid="run-form"]').waitFor();
      await waitForLive(page);
      await press(page.locator('[data-testid="run-billing"]'));
      await page.waitForURL(new RegExp(`/${ENTITY}/billing-runs/[^/]+$`));
      await expect.poll(() => page.locator('[data-testid="billing-run-status"]').getAttribute("data-status"), POLL).toBe("COMPLETED");
      expect(await page.locator('[data-testid="billing-run-percent"]').textContent()).toBe("100%");
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `flow-billing-run-${device}`);

      // Its invoice for this customer: a DRAFT of today's period, in the run's list and live in the other browser.
      const mine = await apiCall<{ items: { id: string; status: string; total: string; lines: { id: string }[] }[] }>(page.context(), "GET", `${API}/invoices?customerId=${customer.id}`);
      expect(mine.body.items).toHaveLength(1);
      const invoice = mine.body.items[0];
      expect(invoice.status).toBe("DRAFT");
      const row = admin.page.locator(`[data-testid="invoice-row"][data-id="${invoice.id}"]`);
      await row.waitFor();
      expect(await row.getAttribute("data-status")).toBe("DRAFT");
      const link = page.locator(`[data-testid="billing-run-invoice"][href$="/invoices/${invoice.id}"]`).first();
      await press(link);
      await page.waitForURL(new RegExp(`/invoices/${invoice.id}$`));

      // Finalize: its number, here and in the other browser.
      await press(page.locator('[data-testid="finalize-invoice"]'));
      await expect.poll(() => page.locator('[data-testid="invoice-title"]').getAttribute("data-number"), POLL).toMatch(/-\d{6}$/);
      const number = (await page.locator('[data-testid="invoice-title"]').textContent())!;
      await expect.poll(() => row.locator('[data-testid="invoice-row-number"]').textContent(), POLL).toBe(number);
      const pdf = await downloaded(page, () => press(page.locator('[data-testid="invoice-pdf"]')));
      expect(pdf.subarray(0, 4).toString("latin1")).toBe("%PDF");

      // Send, then credit one seat of the ten.
      await press(page.locator('[data-testid="send-invoice"]'));
      await expect.poll(() => page.locator('[data-testid="invoice-status"]').getAttribute("data-status"), POLL).toBe("SENT");
      const due = (await page.locator('[data-testid="invoice-amount-due"]').textContent())!;
      await press(page.locator('[data-testid="create-credit-note"]'));
      const credit = page.locator('[data-testid="credit-panel"]');
      await credit.waitFor();
      const seats = credit.locator('[data-testid="credit-line"]').nth(1);
      await press(seats.locator('[data-testid="credit-line-pick"]'));
      await seats.locator('[data-testid="credit-line-value"]').fill("1");
      await press(credit.locator('[data-testid="credit-save"]'));
      const note = page.locator('[data-testid="credit-note"]').first();
      await expect.poll(() => note.getAttribute("data-status"), POLL).toBe("DRAFT");
      await press(note.locator('[data-testid="finalize-credit-note"]'));
      await expect.poll(() => note.getAttribute("data-status"), POLL).toBe("FINAL");
      await expect.poll(() => page.locator('[data-testid="invoice-amount-due"]').textContent(), POLL).not.toBe(due);
      const after = await apiCall<{ amountDue: string; total: string }>(page.context(), "GET", `${API}/invoices/${invoice.id}`);
      const noteTotal = (await apiCall<{ items: { total: string }[] }>(page.context(), "GET", `${API}/credit-notes?invoiceId=${invoice.id}`)).body.items[0].total;
      // What is due is the total less the credit, to the penny.
      expect(after.body.amountDue).toBe(subtractMoney(after.body.total, noteTotal, "GBP"));
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `flow-invoice-credited-${device}`);
    });
  });
}
