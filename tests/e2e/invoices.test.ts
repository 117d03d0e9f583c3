/// <reference lib="dom" />
// Invoices in the browser, at 1280 px by mouse and at 375 px by tap: a finance user writes a draft,
// edits it, finalizes it (its number appears), downloads its PDF, sends it; the customer opens
// /i/<token> without login; a credit note is created (too much is refused at its line), finalized,
// and the amount due drops. A second browser sees the new invoice appear in its list, and its
// status change, without reloading. A final invoice's edit is refused with the server's words.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Download, Locator, Page } from "playwright-core";
import { BASE_URL, DESKTOP, PHONE, POLL, apiCall, createCustomer, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-uk";
const { open, anonymous } = useBrowser();

interface ApiInvoice {
  id: string;
  status: string;
  invoiceNumber: string | null;
  rev: number;
  amountDue: string;
  total: string;
  lines: { id: string }[];
}

/** The bytes of a download that a click starts. */
async function downloaded(page: Page, start: () => Promise<void>): Promise<Buffer> {
  const [download] = (await Promise.all([page.waitForEvent("download"), start()])) as [Download, void];
  const path = await download.path();
  return readFileSync(path);
}

async function chooseCustomer(page: Page, testid: string, name: string) {
  await page.locator(`[data-testid="${testid}-search"]`).fill(name);
  const select = page.locator(`[data-testid="${testid}"]`);
  await select.locator("option", { hasText: name }).waitFor({ state: "attached" });
  await select.selectOption({ label: `${name} (GBP)` });
}

for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
  describe(`invoices (${device})`, () => {
    const press = (l: Locator) => (device === "phone" ? l.tap() : l.click());

    test("draft → edit → finalize → PDF → send → public page → credit note; a second browser sees it live", async () => {
      const { context, page } = await open("finance@acme.test", options);
      const watcher = await open("admin@acme.test", DESKTOP);
      const buyer = uniqueName("Invoice Buyer");
      await createCustomer(context, ENTITY, { legalName: buyer, currency: "GBP", country: "GB" });

      await watcher.page.goto(`/${ENTITY}/invoices`);
      await watcher.page.locator('[data-testid="invoice-list"]').waitFor();
      await waitForLive(watcher.page);

      // A new draft, by hand.
      await page.goto(`/${ENTITY}/invoices`);
      await page.locator('[data-testid="invoice-list"]').waitFor();
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await press(page.locator('[data-testid="new-invoice"]'));
      await page.locator('[data-testid="invoice-editor"]').waitFor();
      await chooseCustomer(page, "invoice-customer", buyer);
      await expect.poll(() => page.locator('[data-testid="invoice-currency"]').inputValue(), POLL).toBe("GBP");
      const first = page.locator('[data-testid="editor-line"]').nth(0);
      await first.locator('[data-testid="line-title"]').fill("Consulting day");
      await first.locator('[data-testid="line-quantity"]').fill("3");
      // A rate that is no number is refused at its field, in a person's words.
      await first.locator('[data-testid="line-rate"]').fill("one hundred");
      await press(page.locator('[data-testid="invoice-save"]'));
      const rateError = page.locator(`#${await first.locator('[data-testid="line-rate"]').getAttribute("id")}-err`);
      await expect.poll(() => rateError.textContent(), POLL).toBe("Enter a number such as 12.50");
      await first.locator('[data-testid="line-rate"]').fill("100.00");
      await first.locator('[data-testid="line-tax-rate"] option', { hasText: "VAT 20%" }).waitFor({ state: "attached" });
      await first.locator('[data-testid="line-tax-rate"]').selectOption({ label: "VAT 20% (20%)" });
      await press(page.locator('[data-testid="add-line"]'));
      const second = page.locator('[data-testid="editor-line"]').nth(1);
      await second.locator('[data-testid="line-title"]').fill("Setup fee");
      await second.locator('[data-testid="line-rate"]').fill("50.00");
      // A new line's rate is the server's choice unless picked; this one is picked: no tax.
      expect(await second.locator('[data-testid="line-tax-rate"]').inputValue()).toBe("automatic");
      await second.locator('[data-testid="line-tax-rate"]').selectOption({ label: "No tax rate" });
      if (device === "phone") expect(await hasNoHorizontalScroll(page)).toBe(true);
      await press(page.locator('[data-testid="invoice-save"]'));

      await page.waitForURL(/\/invoices\/inv_/);
      const id = new URL(page.url()).pathname.split("/").pop()!;
      await expect.poll(() => page.locator('[data-testid="invoice-title"]').textContent(), POLL).toBe("Draft");
      // The server's figures: 3 × 100 at 20 % + 50 untaxed.
      await expect.poll(() => page.locator('[data-testid="invoice-subtotal"]').textContent(), POLL).toBe("£350.00");
      expect(await page.locator('[data-testid="invoice-tax"]').textContent()).toBe("£60.00");
      expect(await page.locator('[data-testid="invoice-total"]').textContent()).toBe("£410.00");
      expect(await page.locator('[data-testid="tax-summary-row"]').count()).toBe(1);

      // The other browser got it live, as a draft.
      const row = watcher.page.locator(`[data-testid="invoice-row"][data-id="${id}"]`);
      await row.waitFor();
      expect(await row.getAttribute("data-status")).toBe("DRAFT");

      // Edit the draft: 4 days.
      await waitForLive(page);
      await press(page.locator('[data-testid="edit-invoice"]'));
      await page.locator('[data-testid="invoice-editor"]').waitFor();
      await page.locator('[data-testid="editor-line"]').nth(0).locator('[data-testid="line-quantity"]').fill("4");
      // Net 14 for this one, instead of the entity's default terms.
      expect(await page.locator('[data-testid="invoice-terms"]').inputValue()).toBe("");
      await page.locator('[data-testid="invoice-terms"]').fill("14");
      await press(page.locator('[data-testid="invoice-save"]'));
      await expect.poll(() => page.locator('[data-testid="invoice-total"]').textContent(), POLL).toBe("£530.00");
      await expect.poll(() => page.locator('[data-testid="invoice-editor"]').count(), POLL).toBe(0);

      // Finalize: the number appears, here and in the other browser's list.
      await press(page.locator('[data-testid="finalize-invoice"]'));
      await expect.poll(() => page.locator('[data-testid="invoice-title"]').getAttribute("data-number"), POLL).toMatch(/-\d{6}$/);
      const number = (await page.locator('[data-testid="invoice-title"]').textContent())!;
      expect(await page.locator('[data-testid="invoice-status"]').getAttribute("data-status")).toBe("FINAL");
      expect(await page.locator('[data-testid="invoice-payment"]').textContent()).toBe("Unpaid");
      expect(await page.locator('[data-testid="invoice-amount-due"]').textContent()).toBe("£530.00");
      const final = await apiCall<{ issueDate: string; dueDate: string; paymentTermDays: number }>(context, "GET", `/api/v1/entities/${ENTITY}/invoices/${id}`);
      expect(final.body.paymentTermDays).toBe(14);
      expect(final.body.dueDate).toBe(new Date(Date.parse(`${final.body.issueDate}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10));
      expect(await page.locator('[data-testid="edit-invoice"]').count()).toBe(0);
      await expect.poll(() => row.getAttribute("data-status"), POLL).toBe("FINAL");
      await expect.poll(() => row.locator('[data-testid="invoice-row-number"]').textContent(), POLL).toBe(number);

      // The stored PDF.
      const pdf = await downloaded(page, () => press(page.locator('[data-testid="invoice-pdf"]')));
      expect(pdf.subarray(0, 4).toString("latin1")).toBe("%PDF");

      // Send: the customer link appears; the customer opens it with no login.
      await press(page.locator('[data-testid="send-invoice"]'));
      await expect.poll(() => page.locator('[data-testid="invoice-status"]').getAttribute("data-status"), POLL).toBe("SENT");
      const link = await page.locator('[data-testid="invoice-public-url"]').inputValue();
      expect(link).toMatch(/\/i\/[^/]+$/);
      const customer = await anonymous(options);
      const pub = await customer.newPage();
      await pub.goto(link.replace(/^https?:\/\/[^/]+/, BASE_URL));
      await pub.locator('[data-testid="public-invoice"]').waitFor();
      expect(await pub.locator('[data-testid="public-invoice-number"]').textContent()).toBe(number);
      expect(await pub.locator('[data-testid="public-buyer-name"]').textContent()).toBe(buyer);
      expect(await pub.locator('[data-testid="public-amount-due"]').textContent()).toBe("£530.00");
      expect(await pub.locator('[data-testid="invoice-line"]').count()).toBe(2);
      expect(await pub.locator('[data-testid="tax-summary-row"]').count()).toBe(1);
      expect(await hasNoHorizontalScroll(pub)).toBe(true);
      const publicPdf = await downloaded(pub, () => press(pub.locator('[data-testid="public-invoice-pdf"]')));
      expect(publicPdf.subarray(0, 4).toString("latin1")).toBe("%PDF");
      await screenshot(pub, `invoice-public-${device}`);

      // A credit note: too much is refused at its line, then one day is credited.
      await press(page.locator('[data-testid="create-credit-note"]'));
      const credit = page.locator('[data-testid="credit-panel"]');
      await credit.waitFor();
      const line = credit.locator('[data-testid="credit-line"]').nth(0);
      expect(await line.locator('[data-testid="credit-line-left"]').textContent()).toContain("£400.00");
      await press(line.locator('[data-testid="credit-line-pick"]'));
      // A picked line starts at what is left on it, and the filled-in value follows quantity ↔ amount.
      expect(await line.locator('[data-testid="credit-line-value"]').inputValue()).toBe("4");
      await press(line.locator('[data-testid="credit-by-amount"]'));
      expect(await line.locator('[data-testid="credit-line-value"]').inputValue()).toBe("400.00");
      await press(line.locator('[data-testid="credit-by-quantity"]'));
      expect(await line.locator('[data-testid="credit-line-value"]').inputValue()).toBe("4");
      // Emptied, it is "Required" at the line (not the API's wording for a decimal string).
      await line.locator('[data-testid="credit-line-value"]').fill("");
      await press(credit.locator('[data-testid="credit-save"]'));
      await expect.poll(() => line.locator('[data-testid="credit-line-error"]').textContent(), POLL).toBe("Required");
      await line.locator('[data-testid="credit-line-value"]').fill("5");
      await press(credit.locator('[data-testid="credit-save"]'));
      await expect.poll(() => line.locator('[data-testid="credit-line-error"]').textContent(), POLL).toContain("left to credit");
      await line.locator('[data-testid="credit-line-value"]').fill("1");
      await press(credit.locator('[data-testid="credit-save"]'));
      const note = page.locator('[data-testid="credit-note"]').first();
      await expect.poll(() => note.getAttribute("data-status"), POLL).toBe("DRAFT");
      expect(await note.locator('[data-testid="credit-note-total"]').textContent()).toBe("£120.00");
      await press(note.locator('[data-testid="finalize-credit-note"]'));
      await expect.poll(() => note.getAttribute("data-status"), POLL).toBe("FINAL");
      expect(await note.locator('[data-testid="credit-note-number"]').textContent()).toMatch(/-CN-\d{6}$/);
      await expect.poll(() => page.locator('[data-testid="invoice-amount-due"]').textContent(), POLL).toBe("£410.00");
      const notePdf = await downloaded(page, () => press(note.locator('[data-testid="credit-note-pdf"]')));
      expect(notePdf.subarray(0, 4).toString("latin1")).toBe("%PDF");

      // The other browser's list shows the lower amount due without a reload.
      await expect.poll(() => row.locator('[data-testid="invoice-row-due"]').textContent(), POLL).toBe("£410.00 due");
      expect(await hasNoHorizontalScroll(page)).toBe(true);
      await screenshot(page, `invoice-page-${device}`);

      const api = await apiCall<ApiInvoice>(context, "GET", `/api/v1/entities/${ENTITY}/invoices/${id}`);
      expect(api.body.amountDue).toBe("410.00");

      // Paid in full: nothing is due, here and in the other browser.
      await press(page.locator('[data-testid="record-payment"]'));
      await page.locator('[data-testid="payment-status"]').selectOption("PAID");
      await press(page.locator('[data-testid="payment-save"]'));
      await expect.poll(() => page.locator('[data-testid="invoice-payment"]').textContent(), POLL).toBe("Paid");
      expect(await page.locator('[data-testid="invoice-amount-due"]').textContent()).toBe("£0.00");
      await expect.poll(() => row.locator('[data-testid="invoice-payment"]').textContent(), POLL).toBe("Paid");
      // A paid invoice cannot be voided: the server says why.
      await press(page.locator('[data-testid="void-invoice"]'));
      await press(page.locator('[data-testid="confirm-void"]'));
      await page.locator('[data-testid="invoice-error"]').waitFor();
      expect(await page.locator('[data-testid="invoice-error"]').textContent()).toMatch(/cannot be voided/);
      expect(await page.locator('[data-testid="invoice-status"]').getAttribute("data-status")).toBe("SENT");
    });
  });
}

describe("invoices: refusals and filters", () => {
  test("a draft finalized elsewhere while being edited: the editor says so, and saving shows 409 invoice_not_editable as the server says it", async () => {
    const { context, page } = await open("finance@acme.test");
    const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Refused Buyer"), currency: "GBP", country: "GB" });
    const created = await apiCall<ApiInvoice>(context, "POST", `/api/v1/entities/${ENTITY}/invoices`, { customerId: customer.id, currency: "GBP", lines: [{ title: "Audit", quantity: "1", rate: "900.00" }] }, { "Idempotency-Key": crypto.randomUUID() });
    expect(created.status).toBe(201);
    await page.goto(`/${ENTITY}/invoices/${created.body.id}`);
    await page.locator('[data-testid="invoice-details"]').waitFor();
    await waitForLive(page);
    await page.locator('[data-testid="edit-invoice"]').click();
    await page.locator('[data-testid="invoice-editor"]').waitFor();

    const other = await open("admin@acme.test");
    const finalized = await apiCall<ApiInvoice>(other.context, "POST", `/api/v1/entities/${ENTITY}/invoices/${created.body.id}/finalize`, undefined, { "Idempotency-Key": crypto.randomUUID() });
    expect(finalized.status).toBe(200);
    await page.locator('[data-testid="changed-while-editing"]').waitFor();
    expect(await page.locator('[data-testid="changed-while-editing"]').textContent()).toContain("no longer a draft");
    // Saving anyway: 409 invoice_not_editable, in the server's words; the page shows the final invoice.
    await page.locator('[data-testid="line-title"]').first().fill("Audit (revised)");
    await page.locator('[data-testid="invoice-save"]').click();
    await page.locator('[data-testid="invoice-error"]').waitFor();
    expect(await page.locator('[data-testid="invoice-error"]').textContent()).toContain("Only a DRAFT invoice can be changed");
    await expect.poll(() => page.locator('[data-testid="invoice-title"]').textContent(), POLL).toBe(finalized.body.invoiceNumber);
  });

  test("a line with a service period (as billing runs write them) shows it and keeps it through an edit", async () => {
    const { context, page } = await open("finance@acme.test");
    const customer = await createCustomer(context, ENTITY, { legalName: uniqueName("Period Buyer"), currency: "GBP", country: "GB" });
    const servicePeriod = { start: "2027-01-01", end: "2027-02-01" }; // January, [start, end) as a run writes it
    const created = await apiCall<ApiInvoice>(
      context,
      "POST",
      `/api/v1/entities/${ENTITY}/invoices`,
      { customerId: customer.id, currency: "GBP", lines: [{ title: "Platform — January", description: "Monthly plan", quantity: "1", rate: "99.00", taxRateId: "txr_uk_1", servicePeriod }] },
      { "Idempotency-Key": crypto.randomUUID() },
    );
    expect(created.status).toBe(201);
    await page.goto(`/${ENTITY}/invoices/${created.body.id}`);
    await page.locator('[data-testid="service-period"]').waitFor();
    // The days it covers: January's last day, not February's first.
    expect(await page.locator('[data-testid="service-period"]').textContent()).toContain("Jan 1, 2027 – Jan 31, 2027");
    await page.locator('[data-testid="edit-invoice"]').click();
    await page.locator('[data-testid="line-title"]').first().fill("Platform plan — January");
    await page.locator('[data-testid="invoice-save"]').click();
    await expect.poll(() => page.locator('[data-testid="invoice-line-title"]').first().textContent(), POLL).toBe("Platform plan — January");
    const after = await apiCall<{ lines: { title: string; description: string | null; servicePeriod: unknown; taxRateId: string | null }[] }>(context, "GET", `/api/v1/entities/${ENTITY}/invoices/${created.body.id}`);
    expect(after.body.lines).toMatchObject([{ title: "Platform plan — January", description: "Monthly plan", servicePeriod, taxRateId: "txr_uk_1" }]);
  });

  test("the status and customer filters are the API's; a new invoice of another customer stays out", async () => {
    const { context, page } = await open("finance@acme.test");
    const mine = await createCustomer(context, ENTITY, { legalName: uniqueName("Filter Buyer"), currency: "GBP", country: "GB" });
    const other = await createCustomer(context, ENTITY, { legalName: uniqueName("Other Buyer"), currency: "GBP", country: "GB" });
    const make = (customerId: string) =>
      apiCall<ApiInvoice>(context, "POST", `/api/v1/entities/${ENTITY}/invoices`, { customerId, currency: "GBP", lines: [{ title: "Hours", quantity: "2", rate: "80.00" }] }, { "Idempotency-Key": crypto.randomUUID() });
    const a = await make(mine.id);
    await page.goto(`/${ENTITY}/invoices?status=DRAFT&customer=${mine.id}`);
    await page.locator(`[data-testid="invoice-row"][data-id="${a.body.id}"]`).waitFor();
    await waitForLive(page);
    expect(await page.locator('[data-testid="filter-draft"]').getAttribute("aria-pressed")).toBe("true");
    const b = await make(other.id);
    const c = await make(mine.id);
    await page.locator(`[data-testid="invoice-row"][data-id="${c.body.id}"]`).waitFor();
    expect(await page.locator(`[data-testid="invoice-row"][data-id="${b.body.id}"]`).count()).toBe(0);
    // Finalized elsewhere: it leaves the DRAFT filter live.
    await apiCall(context, "POST", `/api/v1/entities/${ENTITY}/invoices/${a.body.id}/finalize`, undefined, { "Idempotency-Key": crypto.randomUUID() });
    await expect.poll(() => page.locator(`[data-testid="invoice-row"][data-id="${a.body.id}"]`).count(), POLL).toBe(0);
    await page.locator('[data-testid="filter-final"]').click();
    await page.locator(`[data-testid="invoice-row"][data-id="${a.body.id}"]`).waitFor();
    expect(await page.locator('[data-testid="invoice-row"]').count()).toBe(1);
  });
});
