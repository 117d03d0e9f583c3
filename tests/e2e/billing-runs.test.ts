/// <reference lib="dom" />
// The billing-run screens, at 1280 px and at 375 px: a finance user previews a run (dry run: the
// would-be invoices and totals, nothing written), runs it, and the run page's progress bar ends at
// 100 % with the created invoices linked; another user's run list shows the run live.
// Needs the billing-runs API (POST/GET /billing-runs).
import { describe, expect, test } from "vitest";
import type { BrowserContext } from "playwright-core";
import { DESKTOP, PHONE, POLL, apiCall, createCustomer, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";
import { addMonthsTo, localDate } from "../../worker/domain/dates.ts";

const ENTITY = "acme-us";
const API = `/api/v1/entities/${ENTITY}`;
const { open } = useBrowser();

/** An ACTIVE schedule starting today (the entity's day), or `monthsBack` months before: a run for today bills its periods since. */
async function activeSchedule(context: BrowserContext, monthsBack = 0): Promise<{ id: string; customerId: string; customerName: string }> {
  const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Run Buyer"), currency: "USD" });
  const created = await apiCall<{ id: string }>(context, "POST", `${API}/billing-schedules`, {
    customerId: customer.id,
    currency: "USD",
    startDate: addMonthsTo(localDate(new Date(), "America/New_York"), -monthsBack),
    phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }],
  }, { "Idempotency-Key": crypto.randomUUID() });
  expect(created.status).toBe(201);
  const active = await apiCall<{ status: string }>(context, "POST", `${API}/billing-schedules/${created.body.id}/activate`, {}, { "Idempotency-Key": crypto.randomUUID() });
  expect(active.body.status).toBe("ACTIVE");
  return { id: created.body.id, customerId: customer.id, customerName: customer.legalName };
}

describe("billing runs", () => {
  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    const phone = device === "phone";
    test(`preview a run, run it, watch it finish and open its invoices (${device})`, async () => {
      const { context, page } = await open("finance@acme.test", options);
      const schedule = await activeSchedule(context);
      const backlog = await activeSchedule(context, 2); // three months to bill at once
      const watcher = await open("admin@acme.test");
      await watcher.page.goto(`/${ENTITY}/billing-runs`);
      await waitForLive(watcher.page);

      await page.goto(`/${ENTITY}/schedules/${schedule.id}`);
      await waitForLive(page);
      const press = (sel: string) => (phone ? page.locator(sel).tap() : page.locator(sel).click());
      // Billing in the nav, then its second tab.
      await press('[data-testid="nav-schedules"]');
      await page.waitForURL(new RegExp(`/${ENTITY}/schedules$`));
      await press('[data-testid="billing-tab-billing-runs"]');
      await page.waitForURL(new RegExp(`/${ENTITY}/billing-runs$`));

      await press('[data-testid="dry-run-button"]');
      const dry = page.locator('[data-testid="dry-run"]');
      await dry.waitFor();
      const row = dry.locator('[data-testid="dry-run-invoice"]', { hasText: schedule.customerName });
      await row.waitFor();
      // $1,250.00 of platform, plus the sales tax the entity's standard rate (8.875 %) adds: chosen for the line automatically.
      expect(await row.textContent()).toContain("$1,360.94");
      expect(await dry.locator('[data-testid="dry-run-total"]').count()).toBeGreaterThan(0);
      // A dry run writes nothing: the customer has no invoice yet.
      expect((await apiCall<{ items: unknown[] }>(context, "GET", `${API}/invoices?customerId=${schedule.customerId}`)).body.items).toEqual([]);
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `billing-run-preview-${device}`);

      await press('[data-testid="run-billing"]');
      await page.waitForURL(new RegExp(`/${ENTITY}/billing-runs/[^/]+$`));
      const runId = new URL(page.url()).pathname.split("/").pop()!;
      await expect.poll(() => page.locator('[data-testid="billing-run-status"]').getAttribute("data-status"), POLL).toBe("COMPLETED");
      expect(await page.locator('[data-testid="billing-run-bar"]').getAttribute("aria-valuenow")).toBe("100");
      const invoices = (await apiCall<{ items: { id: string; billingScheduleId: string | null }[] }>(context, "GET", `${API}/invoices?customerId=${schedule.customerId}`)).body.items;
      expect(invoices.map((i) => i.billingScheduleId)).toEqual([schedule.id]);
      const link = page.locator(`[data-testid="billing-run-invoice"][href="/${ENTITY}/invoices/${invoices[0].id}"]`);
      await link.waitFor();
      // A run bills many customers: each row names its own.
      await expect.poll(() => link.locator('[data-testid="invoice-list-customer"]').textContent(), POLL).toBe(schedule.customerName);
      // Shown by the period each bills (a schedule's catch-up months come in one batch, ids in random order).
      const shown = await page.locator('a[data-testid="billing-run-invoice"][data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")!));
      const starts = await Promise.all(shown.map(async (id) => (await apiCall<{ billingPeriod: { start: string } | null }>(context, "GET", `${API}/invoices/${id}`)).body.billingPeriod?.start ?? ""));
      expect(starts).toEqual(starts.toSorted());
      expect((await apiCall<{ items: unknown[] }>(context, "GET", `${API}/invoices?customerId=${backlog.customerId}`)).body.items).toHaveLength(3);
      expect(shown.length).toBeGreaterThanOrEqual(4);
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `billing-run-done-${device}`);

      // The other user's list shows the run, live, finished.
      const listed = watcher.page.locator(`[data-testid="billing-run-row"][data-id="${runId}"]`);
      await listed.waitFor();
      await expect.poll(() => listed.getAttribute("data-status"), POLL).toBe("COMPLETED");

      // The schedule page lists the invoice it billed.
      await page.goto(`/${ENTITY}/schedules/${schedule.id}`);
      await page.locator(`[data-testid="schedule-invoice"][data-id="${invoices[0].id}"]`).waitFor();
    });
  }
});
