/// <reference lib="dom" />
// Billing schedules in the browser, at 1280 px and at 375 px: a finance user executes an accepted
// quote by mouse (or tap) and lands on its schedule (phases, next invoice date), and the quote says
// EXECUTED with a link back, then cancels it with an end date; a schedule made by the form (a ramp
// of two phases) is activated, suspended and resumed, live in another user's list; the
// customer page shows its schedules, its invoices and its balance (summed exactly).
// The billing-run page's e2e (run → live progress → invoices) is added where the billing-runs API is.
import { describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { BASE_URL, DESKTOP, PHONE, POLL, apiCall, createCustomer, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";
import { addDaysToDate, addMonthsTo } from "../../worker/domain/dates.ts";
import { sumMoney } from "../../worker/domain/money.ts";

/** "$1,234.50", as the web formats USD (Intl formats the decimal string exactly, no float). */
const usd = (amount: string) => (new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format as (v: string) => string)(amount);

const ENTITY = "acme-us";
const API = `/api/v1/entities/${ENTITY}`;
const { open, anonymous } = useBrowser();
const key = () => ({ "Idempotency-Key": crypto.randomUUID() });

async function post<T>(context: BrowserContext, path: string, body: unknown = {}, expected = [200, 201]): Promise<T> {
  const res = await apiCall<T>(context, "POST", `${API}${path}`, body, key());
  if (!expected.includes(res.status)) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A quote the customer accepted on its public link (made through the API as an admin). */
async function acceptedQuote(admin: BrowserContext): Promise<{ id: string; quoteNumber: string }> {
  const customer = await createCustomer(admin, ENTITY, { legalName: uniqueName("Exec Buyer"), currency: "USD" });
  const quote = await post<{ id: string; quoteNumber: string }>(admin, "/quotes", {
    customerId: customer.id,
    title: uniqueName("Exec quote"),
    currency: "USD",
    lines: [
      { priceId: "price_us_platform_monthly", quantity: "1" },
      { priceId: "price_us_seats_monthly", quantity: "10", discount: { type: "PERCENTAGE", value: "10" } },
    ],
  });
  const published = await post<{ publicUrl: string }>(admin, `/quotes/${quote.id}/publish`);
  const token = new URL(published.publicUrl).pathname.split("/").pop()!;
  const buyer = await anonymous();
  const res = await buyer.request.post(`${BASE_URL}/api/v1/public/quotes/${token}/accept`, {
    data: { name: "Dana Buyer", email: "dana@buyer.example" },
    headers: { Origin: BASE_URL, ...key() },
  });
  expect(res.status()).toBe(200);
  return quote;
}

/** Click on a desktop, tap on a phone. */
const press = (page: Page, phone: boolean, selector: string) => (phone ? page.locator(selector).tap() : page.locator(selector).click());

describe("billing schedules", () => {
  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    const phone = device === "phone";

    test(`execute an accepted quote → its schedule shows phases and the next invoice date; cancel it with an end date (${device})`, async () => {
      const admin = await open("admin@acme.test");
      const quote = await acceptedQuote(admin.context);
      const { page } = await open("finance@acme.test", options);
      await page.goto(`/${ENTITY}/quotes/${quote.id}`);
      await waitForLive(page);
      expect(await page.locator('[data-testid="quote-status"]').getAttribute("data-status")).toBe("ACCEPTED");
      // Finance may execute, not edit: no Archive or Revise for them.
      expect(await page.locator('[data-testid="archive-quote"]').count()).toBe(0);
      await press(page, phone, '[data-testid="execute-quote"]');

      await page.waitForURL(new RegExp(`/${ENTITY}/schedules/[^/]+$`));
      const scheduleId = new URL(page.url()).pathname.split("/").pop()!;
      await page.locator('[data-testid="schedule-phases"]').waitFor();
      expect(["ACTIVE", "PENDING"]).toContain(await page.locator('[data-testid="schedule-status"]').getAttribute("data-status"));
      expect(await page.locator('[data-testid="phase-line"]').count()).toBe(2);
      expect(await page.locator('[data-testid="phase-line-discount"]').first().textContent()).toContain("10% off");
      const next = (await page.locator('[data-testid="next-invoice-date"]').textContent())!.trim();
      const schedule = (await apiCall<{ nextInvoiceDate: string | null; quoteId: string; upcomingInvoices: unknown[] }>(admin.context, "GET", `${API}/billing-schedules/${scheduleId}`)).body;
      expect(schedule.quoteId).toBe(quote.id);
      expect(schedule.nextInvoiceDate).not.toBeNull();
      expect(next).not.toBe("—");
      expect(await page.locator('[data-testid="upcoming-invoice"]').count()).toBe(schedule.upcomingInvoices.length);
      expect(await page.locator('[data-testid="schedule-quote-link"]').getAttribute("href")).toBe(`/${ENTITY}/quotes/${quote.id}`);
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `schedule-executed-${device}`);

      // The quote set no payment terms; finance gives the contract Net 14 on the running schedule.
      expect((await page.locator('[data-testid="schedule-terms"]').textContent())!.trim()).toBe("The entity's default");
      await press(page, phone, '[data-testid="change-terms"]');
      await page.locator('[data-testid="terms-input"]').fill("two weeks");
      await press(page, phone, '[data-testid="terms-save"]');
      expect(await page.locator('[data-testid="terms-input"]').getAttribute("aria-invalid")).toBe("true");
      await page.locator('[data-testid="terms-input"]').fill("14");
      await press(page, phone, '[data-testid="terms-save"]');
      await expect.poll(async () => (await page.locator('[data-testid="schedule-terms"]').textContent())?.trim(), POLL).toBe("Net 14");
      expect((await apiCall<{ defaultDueDateDays: number | null }>(admin.context, "GET", `${API}/billing-schedules/${scheduleId}`)).body.defaultDueDateDays).toBe(14);
      expect(await hasNoHorizontalScroll(page)).toBe(true);

      // Cancel with an end date: it bills until then, and says so.
      const start = (await apiCall<{ startDate: string }>(admin.context, "GET", `${API}/billing-schedules/${scheduleId}`)).body.startDate;
      await press(page, phone, '[data-testid="cancel-schedule"]');
      await page.locator('[data-testid="cancel-end-date"]').fill(addMonthsTo(start, 6));
      await press(page, phone, '[data-testid="confirm-cancel"]');
      await expect.poll(() => page.locator('[data-testid="schedule-status"]').getAttribute("data-status"), POLL).toBe("CANCELLED");
      const cancelled = (await apiCall<{ endDate: string; upcomingInvoices: unknown[] }>(admin.context, "GET", `${API}/billing-schedules/${scheduleId}`)).body;
      expect(cancelled.endDate).toBe(addMonthsTo(start, 6));
      expect(await page.locator('[data-testid="upcoming-invoice"]').count()).toBe(cancelled.upcomingInvoices.length);
      expect(await page.locator('[data-testid="cancel-schedule"]').count()).toBe(0);

      // Back on the quote: EXECUTED, linking to its schedule; Execute is gone.
      await press(page, phone, '[data-testid="schedule-quote-link"]');
      await page.waitForURL(new RegExp(`/quotes/${quote.id}$`));
      await expect.poll(() => page.locator('[data-testid="quote-status"]').getAttribute("data-status"), POLL).toBe("EXECUTED");
      expect(await page.locator('[data-testid="quote-schedule-link"]').getAttribute("href")).toBe(`/${ENTITY}/schedules/${scheduleId}`);
      expect(await page.locator('[data-testid="execute-quote"]').count()).toBe(0);
      await screenshot(page, `quote-executed-${device}`);
    });

    test(`a quote waiting for approval offers no Archive (the Worker refuses it) (${device})`, async () => {
      const { context, page } = await open("admin@acme.test", options);
      const tasks = await apiCall<{ items: { quoteId: string }[] }>(context, "GET", `${API}/tasks?status=OPEN`);
      const quoteId = tasks.body.items[0]?.quoteId;
      expect(quoteId).toBeDefined();
      await page.goto(`/${ENTITY}/quotes/${quoteId}`);
      await page.locator('[data-testid="approval-banner"]').waitFor();
      await page.locator('[data-testid="withdraw-quote"]').waitFor();
      expect(await page.locator('[data-testid="archive-quote"]').count()).toBe(0);
    });

    test(`create a ramp schedule with the form, activate, suspend and resume it (${device})`, async () => {
      const { context, page } = await open("finance@acme.test", options);
      const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Form Buyer"), currency: "USD" });
      // Another user watches the schedules list: the new schedule appears live, then turns Active.
      const watcher = await open("admin@acme.test");
      await watcher.page.goto(`/${ENTITY}/schedules`);
      await waitForLive(watcher.page);
      const watched = watcher.page.locator('[data-testid="schedule-row"]', { has: watcher.page.locator('[data-testid="schedule-customer"]', { hasText: customer.legalName }) });
      await page.goto(`/${ENTITY}/customers/${customer.id}`);
      await waitForLive(page);
      await press(page, phone, '[data-testid="new-schedule-for-customer"]');
      const form = page.locator('[data-testid="new-schedule-form"]');
      await form.waitFor();
      expect(await form.locator('[data-testid="new-schedule-customer"]').inputValue()).toBe(customer.id);
      const start = await form.locator('[data-testid="new-schedule-start"]').inputValue();
      expect(start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Net 14 for this customer's invoices, where the entity's default is 30.
      await form.locator('[data-testid="new-schedule-terms"]').fill("14");

      // Phase 1: the platform and 5 seats at 20 % off; phase 2 from three months on: 10 seats at list price.
      const phase1 = form.locator('[data-testid="new-schedule-phase"]').nth(0);
      await phase1.locator('[data-testid="phase-price-select"]').selectOption("price_us_platform_monthly");
      await press(page, phone, '[data-testid="add-phase-price"]');
      await phase1.locator('[data-testid="phase-price-select"]').nth(1).selectOption("price_us_seats_monthly");
      await phase1.locator('[data-testid="phase-quantity"]').nth(1).fill("5");
      await phase1.locator('[data-testid="phase-discount"]').nth(1).fill("20");
      await press(page, phone, '[data-testid="add-phase"]');
      const phase2 = form.locator('[data-testid="new-schedule-phase"]').nth(1);
      // First a day inside a monthly period: the server's refusal shows at that field.
      await phase2.locator('[data-testid="phase-start"]').fill(addDaysToDate(addMonthsTo(start, 3), 1));
      await phase2.locator('[data-testid="phase-price-select"]').selectOption("price_us_seats_monthly");
      await phase2.locator('[data-testid="phase-quantity"]').fill("10");
      await press(page, phone, '[data-testid="new-schedule-save"]');
      await expect.poll(() => phase2.locator('[data-testid="phase-start"]').getAttribute("aria-invalid"), POLL).toBe("true");
      expect(await phase2.locator(".error").first().textContent()).toContain("boundary");
      await phase2.locator('[data-testid="phase-start"]').fill(addMonthsTo(start, 3));
      await press(page, phone, '[data-testid="new-schedule-save"]');

      await page.waitForURL(new RegExp(`/${ENTITY}/schedules/[^/]+$`));
      await page.locator('[data-testid="schedule-phases"]').waitFor();
      expect(await page.locator('[data-testid="schedule-status"]').getAttribute("data-status")).toBe("DRAFT");
      expect(await page.locator('[data-testid="schedule-phase"]').count()).toBe(2);
      expect((await page.locator('[data-testid="schedule-terms"]').textContent())!.trim()).toBe("Net 14");
      expect(await page.locator('[data-testid="schedule-phase"]').nth(1).locator('[data-testid="phase-line-quantity"]').textContent()).toContain("10");
      // A draft changes in the same form: Net 21, and twelve seats from the second phase on.
      await press(page, phone, '[data-testid="edit-schedule"]');
      const edit = page.locator('[data-testid="edit-schedule-card"] [data-testid="new-schedule-form"]');
      await edit.waitFor();
      expect(await edit.locator('[data-testid="new-schedule-terms"]').inputValue()).toBe("14");
      expect(await edit.locator('[data-testid="new-schedule-phase"]').count()).toBe(2);
      await edit.locator('[data-testid="new-schedule-terms"]').fill("21");
      await edit.locator('[data-testid="new-schedule-phase"]').nth(1).locator('[data-testid="phase-quantity"]').fill("12");
      await press(page, phone, '[data-testid="edit-schedule-card"] [data-testid="new-schedule-save"]');
      await expect.poll(async () => (await page.locator('[data-testid="schedule-terms"]').textContent())!.trim(), POLL).toBe("Net 21");
      expect(await page.locator('[data-testid="edit-schedule-card"]').count()).toBe(0);
      expect(await page.locator('[data-testid="schedule-phase"]').nth(1).locator('[data-testid="phase-line-quantity"]').textContent()).toContain("12");
      expect(await page.locator('[data-testid="schedule-phase"]').nth(0).locator('[data-testid="phase-line"]').count()).toBe(2);
      // A draft bills nothing yet, but says what it would.
      expect((await page.locator('[data-testid="next-invoice-date"]').textContent())!.trim()).toBe("—");
      expect(await page.locator('[data-testid="upcoming-invoice"]').count()).toBeGreaterThan(0);
      await watched.waitFor();
      expect(await watched.getAttribute("data-status")).toBe("DRAFT");

      await press(page, phone, '[data-testid="activate-schedule"]');
      await expect.poll(() => page.locator('[data-testid="schedule-status"]').getAttribute("data-status"), POLL).toBe("ACTIVE");
      await expect.poll(async () => (await page.locator('[data-testid="next-invoice-date"]').textContent())!.trim(), POLL).not.toBe("—");
      await expect.poll(() => watched.getAttribute("data-status"), POLL).toBe("ACTIVE");
      // Suspend (no next invoice while suspended), then resume.
      await press(page, phone, '[data-testid="suspend-schedule"]');
      await expect.poll(() => page.locator('[data-testid="schedule-status"]').getAttribute("data-status"), POLL).toBe("SUSPENDED");
      expect((await page.locator('[data-testid="next-invoice-date"]').textContent())!.trim()).toBe("—");
      await press(page, phone, '[data-testid="resume-schedule"]');
      await expect.poll(() => page.locator('[data-testid="schedule-status"]').getAttribute("data-status"), POLL).toBe("ACTIVE");
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      // The Billing entry is current, and every section's label fits its tab (seven share 375 px).
      expect(await page.locator('[data-testid="nav-schedules"]').getAttribute("aria-current")).toBe("page");
      const spilling = await page.locator(".nav-label").evaluateAll((labels) => labels.filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent));
      expect(spilling).toEqual([]);
      await screenshot(page, `schedule-activated-${device}`);

      // The list shows it, Active, with its next invoice date.
      await page.goto(`/${ENTITY}/schedules?status=ACTIVE`);
      const row = page.locator('[data-testid="schedule-row"]', { has: page.locator('[data-testid="schedule-customer"]', { hasText: customer.legalName }) });
      await row.waitFor();
      expect(await row.getAttribute("data-status")).toBe("ACTIVE");
      expect(await hasNoHorizontalScroll(page)).toBe(true);
    });

    test(`the customer page shows its schedules, invoices and balance (${device})`, async () => {
      const { context, page } = await open("finance@acme.test", options);
      const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Balance Buyer"), currency: "USD" });
      // Two final invoices (unpaid) and a draft (not owed yet).
      const invoice = (rate: string) => post<{ id: string }>(context, "/invoices", { customerId: customer.id, currency: "USD", lines: [{ title: "Consulting", quantity: "3", rate }] });
      const finals: { id: string; amountDue: string }[] = [];
      for (const rate of ["100.10", "0.20"]) finals.push(await post<{ id: string; amountDue: string }>(context, `/invoices/${(await invoice(rate)).id}/finalize`));
      await invoice("999.99");
      await post(context, "/billing-schedules", {
        customerId: customer.id,
        currency: "USD",
        startDate: addMonthsTo(new Date().toISOString().slice(0, 10), 1),
        phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }],
      });

      await page.goto(`/${ENTITY}/customers/${customer.id}`);
      await waitForLive(page);
      await page.locator('[data-testid="customer-schedule"]').waitFor();
      expect(await page.locator('[data-testid="customer-schedule"]').count()).toBe(1);
      await expect.poll(() => page.locator('[data-testid="customer-invoice"]').count(), POLL).toBe(3);
      const expected = usd(sumMoney(finals.map((f) => f.amountDue), "USD"));
      expect(finals.every((f) => f.amountDue !== "0.00")).toBe(true);
      expect(await page.locator('[data-testid="balance-amount"]').textContent()).toBe(expected);
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `customer-billing-${device}`);

      // A payment in full takes that invoice out of the balance, live.
      const res = await apiCall(context, "PUT", `${API}/invoices/${finals[0].id}/payment-status`, { paymentStatus: "PAID" });
      expect(res.status).toBe(200);
      await expect.poll(() => page.locator('[data-testid="balance-amount"]').textContent(), POLL).toBe(usd(finals[1].amountDue));
    });
  }
});
