/// <reference lib="dom" />
// Accessibility: axe-core (npm, injected from node_modules) finds no serious or critical violation
// on any screen, on a desktop and on a phone, signed in as an admin (who sees every control), the
// approval screens included (inbox, a task with its decision bar, the editor's banner, the workflow),
// and the invoice screens (list, editor, a sent invoice with its credit-note and payment forms, the public page).
import { describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { BASE_URL, DESKTOP, PHONE, apiCall, axeViolations, createCustomer, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-us";
const { open, anonymous } = useBrowser();

async function publishedQuote(context: BrowserContext): Promise<{ id: string; publicUrl: string }> {
  const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Axe Buyer"), currency: "USD" });
  const created = await apiCall<{ id: string; rev: number }>(
    context,
    "POST",
    `/api/v1/entities/${ENTITY}/quotes`,
    {
      customerId: customer.id,
      title: uniqueName("Axe quote"),
      currency: "USD",
      lines: [
        { priceId: "price_us_platform_monthly", quantity: "1" },
        { priceId: "price_us_onboarding_once", quantity: "1" },
      ],
    },
    { "Idempotency-Key": crypto.randomUUID() },
  );
  expect(created.status).toBe(201);
  const published = await apiCall<{ publicUrl: string }>(context, "POST", `/api/v1/entities/${ENTITY}/quotes/${created.body.id}/publish`, {}, {
    "Idempotency-Key": crypto.randomUUID(),
  });
  expect(published.status).toBe(200);
  return { id: created.body.id, publicUrl: published.body.publicUrl };
}

/** A SENT invoice (with its customer link) and a DRAFT one, for the invoice screens. */
async function invoices(context: BrowserContext): Promise<{ draftId: string; sentId: string; publicUrl: string }> {
  const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Axe Invoice Buyer"), currency: "USD" });
  const make = async () => {
    const res = await apiCall<{ id: string }>(
      context,
      "POST",
      `/api/v1/entities/${ENTITY}/invoices`,
      { customerId: customer.id, currency: "USD", lines: [{ title: "Implementation", quantity: "2", rate: "150.00", taxRateId: "txr_us_1" }, { title: "Training", quantity: "1", rate: "90.00" }] },
      { "Idempotency-Key": crypto.randomUUID() },
    );
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const [draftId, sentId] = [await make(), await make()];
  for (const step of ["finalize", "send"]) {
    const res = await apiCall(context, "POST", `/api/v1/entities/${ENTITY}/invoices/${sentId}/${step}`, undefined, { "Idempotency-Key": crypto.randomUUID() });
    expect(res.status).toBe(200);
  }
  const sent = await apiCall<{ publicUrl: string }>(context, "GET", `/api/v1/entities/${ENTITY}/invoices/${sentId}`);
  return { draftId, sentId, publicUrl: sent.body.publicUrl };
}

/** Every screen's violations, reported together at the end of the test (one run shows them all). */
function collector() {
  const found: Record<string, unknown> = {};
  return {
    async check(page: Page, screen: string) {
      const violations = await axeViolations(page);
      if (violations.length) found[screen] = violations;
    },
    found,
  };
}

describe("accessibility (axe-core: no serious or critical violation)", () => {
  for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    test(`every screen (${device})`, async () => {
      const { check: expectNoViolations, found } = collector();
      const signedOut = await anonymous(options);
      const sp = await signedOut.newPage();
      await sp.goto(`/${ENTITY}/customers`); // signed out: sent to sign-in
      await sp.locator('[data-testid="sign-in-form"]').waitFor();
      await expectNoViolations(sp, "sign-in");

      const { context, page } = await open("admin@acme.test", options);
      const draft = await apiCall<{ items: { id: string }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/quotes?status=DRAFT&limit=1`);
      const quote = await publishedQuote(context);
      const customers = await apiCall<{ items: { id: string }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/customers?limit=1`);
      const products = await apiCall<{ items: { id: string }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/products?limit=1`);
      // Approvals: an open task (the demo data has one) and the quote waiting on it.
      const tasks = await apiCall<{ items: { id: string; quoteId: string }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/tasks?status=OPEN`);
      const task = tasks.body.items[0];
      expect(task).toBeDefined();
      // Billing: a schedule with two phases (a ramp), a draft so its actions and preview show.
      const customer = customers.body.items[0].id;
      const schedule = await apiCall<{ id: string }>(context, "POST", `/api/v1/entities/${ENTITY}/billing-schedules`, {
        customerId: customer,
        currency: "USD",
        startDate: "2027-01-01",
        phases: [
          { prices: [{ priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "20" } }] },
          { startDate: "2027-07-01", prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }] },
        ],
      }, { "Idempotency-Key": crypto.randomUUID() });
      expect(schedule.status).toBe(201);

      const screens: [string, string, string][] = [
        ["customers", `/${ENTITY}/customers`, '[data-testid="customer-row"]'],
        ["customer", `/${ENTITY}/customers/${customers.body.items[0].id}`, '[data-testid="record-header"], h1'],
        ["products", `/${ENTITY}/products`, '[data-testid="product-row"]'],
        ["product", `/${ENTITY}/products/${products.body.items[0].id}`, '[data-testid="price-row"], [data-testid="prices-empty"]'],
        ["quotes", `/${ENTITY}/quotes`, '[data-testid="quote-row"]'],
        ["quote editor", `/${ENTITY}/quotes/${draft.body.items[0]?.id ?? quote.id}`, '[data-testid="quote-lines"]'],
        ["published quote", `/${ENTITY}/quotes/${quote.id}`, '[data-testid="public-url"]'],
        ["settings", `/${ENTITY}/settings`, '[data-testid="settings"]'],
        ["inbox", `/${ENTITY}/inbox`, '[data-testid="task-list"]'],
        ["inbox done", `/${ENTITY}/inbox?status=done`, '[data-testid="task-list"]'],
        ["inbox (everyone's)", `/${ENTITY}/inbox?who=all`, `[data-testid="task-card"][data-task-id="${task.id}"]`],
        ["approval task", `/${ENTITY}/inbox/${task.id}`, '[data-testid="decision-bar"]'],
        ["quote pending approval", `/${ENTITY}/quotes/${task.quoteId}`, '[data-testid="approval-banner"]'],
        ["approval workflow", `/${ENTITY}/settings/approvals`, '[data-testid="workflow-form"]'],
        ["integrations", `/${ENTITY}/settings/integrations`, '[data-testid="xero-card"]'],
        ["billing schedules", `/${ENTITY}/schedules`, '[data-testid="schedule-row"]'],
        ["billing schedule", `/${ENTITY}/schedules/${schedule.body.id}`, '[data-testid="schedule-phase"]'],
        ["customer billing", `/${ENTITY}/customers/${customer}`, '[data-testid="customer-schedule"]'],
      ];
      // The demo's accepted quote, with Execute (unless a test executed it already).
      const accepted = await apiCall<{ items: { id: string }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/quotes?status=ACCEPTED&limit=1`);
      const run = await apiCall<{ id: string }>(context, "POST", `/api/v1/entities/${ENTITY}/billing-runs`, { asOf: "2026-01-01" }, { "Idempotency-Key": crypto.randomUUID() });
      expect(run.status).toBe(202);
      screens.push(["billing runs", `/${ENTITY}/billing-runs`, '[data-testid="run-form"]'], ["billing run", `/${ENTITY}/billing-runs/${run.body.id}`, '[data-testid="billing-run-progress"]']);
      if (accepted.body.items[0]) screens.push(["accepted quote", `/${ENTITY}/quotes/${accepted.body.items[0].id}`, '[data-testid="execute-quote"]']);
      for (const [screen, path, ready] of screens) {
        await page.goto(path);
        await page.locator(ready).first().waitFor();
        await waitForLive(page);
        await expectNoViolations(page, screen);
        if (screen === "product") {
          await page.locator('[data-testid="add-price"]').click();
          await page.locator('[data-testid="price-editor"]').waitFor();
          await expectNoViolations(page, "price editor");
        }
        if (screen === "approval task") {
          await page.locator('[data-testid="reject-task"]').click();
          await page.locator('[data-testid="confirm-reject"]').click(); // empty: the error shows
          await page.locator('[data-testid="reject-error"]').waitFor();
          await expectNoViolations(page, "reject comment");
        }
        if (screen === "approval workflow") {
          await page.locator('[data-testid="evaluate-quote"]').selectOption(task.quoteId);
          await page.locator('[data-testid="evaluate-run"]').click();
          await page.locator('[data-testid="evaluate-result"]').waitFor();
          await expectNoViolations(page, "workflow evaluation");
        }
        if (screen === "billing schedules") {
          await page.locator('[data-testid="new-schedule"]').click();
          await page.locator('[data-testid="new-schedule-form"]').waitFor();
          await expectNoViolations(page, "new schedule");
        }
        if (screen === "billing schedule") {
          await page.locator('[data-testid="activate-schedule"]').click();
          await page.locator('[data-testid="cancel-schedule"]').click();
          await page.locator('[data-testid="cancel-form"]').waitFor();
          await expectNoViolations(page, "cancel schedule");
        }
        if (screen === "billing runs") {
          await page.locator('[data-testid="dry-run-button"]').click();
          await page.locator('[data-testid="dry-run"]').waitFor();
          await expectNoViolations(page, "billing run preview");
        }
        if (screen === "quotes") {
          await page.locator('[data-testid="new-quote"]').click();
          await page.locator('[data-testid="new-quote-form"]').waitFor();
          await expectNoViolations(page, "new quote");
        }
      }

      const pub = await signedOut.newPage();
      await pub.goto(quote.publicUrl.replace(/^https?:\/\/[^/]+/, BASE_URL));
      await pub.locator('[data-testid="public-quote"]').waitFor();
      await expectNoViolations(pub, "public quote");
      expect(found).toEqual({});
    });

    test(`the invoice screens (${device})`, async () => {
      const { check: expectNoViolations, found } = collector();
      const { context, page } = await open("admin@acme.test", options);
      const invoice = await invoices(context);
      const screens: [string, string, string][] = [
        ["invoices", `/${ENTITY}/invoices`, '[data-testid="invoice-row"]'],
        ["new invoice", `/${ENTITY}/invoices/new`, '[data-testid="invoice-editor"]'],
        ["draft invoice", `/${ENTITY}/invoices/${invoice.draftId}`, '[data-testid="invoice-details"]'],
        ["sent invoice", `/${ENTITY}/invoices/${invoice.sentId}`, '[data-testid="invoice-link"]'],
      ];
      for (const [screen, path, ready] of screens) {
        await page.goto(path);
        await page.locator(ready).first().waitFor();
        await waitForLive(page);
        await expectNoViolations(page, screen);
        if (screen === "draft invoice") {
          await page.locator('[data-testid="edit-invoice"]').click();
          await page.locator('[data-testid="invoice-editor"] [data-testid="line-tax-rate"] option', { hasText: "Sales tax" }).first().waitFor({ state: "attached" });
          await expectNoViolations(page, "invoice draft editor");
        }
        if (screen === "sent invoice") {
          await page.locator('[data-testid="create-credit-note"]').click();
          await page.locator('[data-testid="credit-line-pick"]').first().check();
          await page.locator('[data-testid="credit-line-value"]').first().waitFor();
          await expectNoViolations(page, "credit note form");
          await page.locator('[data-testid="record-payment"]').click();
          await page.locator('[data-testid="payment-form"]').waitFor();
          await expectNoViolations(page, "record payment");
        }
      }
      const signedOut = await anonymous(options);
      const pub = await signedOut.newPage();
      await pub.goto(invoice.publicUrl.replace(/^https?:\/\/[^/]+/, BASE_URL));
      await pub.locator('[data-testid="public-invoice"]').waitFor();
      await expectNoViolations(pub, "public invoice");
      expect(found).toEqual({});
    });
  }
});
