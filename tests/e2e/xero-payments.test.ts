/// <reference lib="dom" />
// A payment made in Xero reaches an open invoice page live: acme-uk connected to an organisation of the
// fake (consent by click), an invoice finalized and SYNCED ("In Xero" appears without a reload), then a
// payment recorded in Xero (the fake's POST /__payments) arrives by its signed webhook and the page turns
// Partially paid, then Paid, on a phone, with nothing reloaded.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { DESKTOP, PHONE, POLL, BASE_URL, apiCall, screenshot, uniqueName, useBrowser } from "./support.ts";
import { connectByClick, fakeControl, newOrganisation } from "./xero.ts";

const ENTITY = "acme-uk";
const API = `/api/v1/entities/${ENTITY}`;
const { open } = useBrowser();

/** The Worker's local webhook key (wrangler.toml's top-level var), which the fake signs with. */
const webhookKey = () => /^XERO_WEBHOOK_KEY = "([^"]+)"/m.exec(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8"))![1]!;

describe("Xero payments (web)", () => {
  test("an invoice syncs live, and payments made in Xero show on its page live (1280 px, then 375 px)", async () => {
    const organisation = uniqueName("Paid In Xero Ltd");
    const tenantId = await newOrganisation(organisation);
    expect((await fakeControl("/__webhooks", { url: `${BASE_URL}/api/v1/integrations/xero/webhooks`, key: webhookKey() })).status).toBe(200);
    const { context, page } = await open("admin@acme.test", DESKTOP);
    await connectByClick(page, context, ENTITY, organisation);

    const rate = await apiCall<{ id: string }>(context, "POST", `${API}/tax-rates`, { name: uniqueName("VAT 20%"), percentage: "20" });
    expect((await apiCall(context, "PUT", `${API}/integrations/xero/mappings`, { defaultRevenueAccount: "200", paymentAccount: "090", taxTypes: { [rate.body.id]: "OUTPUT2" } })).status).toBe(200);
    const customer = await apiCall<{ id: string }>(context, "POST", `${API}/customers`, { legalName: uniqueName("Tyrell Ltd"), email: "ap@tyrell-uk.test", country: "GB" });
    const draft = await apiCall<{ id: string }>(context, "POST", `${API}/invoices`, { customerId: customer.body.id, currency: "GBP", lines: [{ title: "Licence", quantity: "1", rate: "500", taxRateId: rate.body.id }] });
    expect(draft.status).toBe(201);

    // Finalized in the browser: the sync runs through its queue and the badge comes without a reload.
    await page.goto(`/${ENTITY}/invoices/${draft.body.id}`);
    await page.locator('[data-testid="finalize-invoice"]').click();
    await expect.poll(() => page.locator('[data-testid="invoice-status"]').getAttribute("data-status"), POLL).toBe("FINAL");
    const inXero = page.locator('[data-testid="invoice-in-xero"]');
    await inXero.waitFor({ timeout: POLL.timeout });
    const xeroId = (await inXero.getAttribute("data-xero-id"))!;
    await screenshot(page, "xero-invoice-synced");

    // A finance colleague has the invoice open on a phone while payments are made in Xero.
    const phone = await open("finance@acme.test", PHONE);
    await phone.page.goto(`/${ENTITY}/invoices/${draft.body.id}`);
    const payment = phone.page.locator('[data-testid="invoice-payment"]');
    await expect.poll(() => payment.getAttribute("data-status"), POLL).toBe("UNPAID");
    const due = phone.page.locator('[data-testid="invoice-header-due"]');
    expect(await due.innerText()).toContain("600.00");

    const part = await fakeControl<{ delivered: unknown }>("/__payments", { tenantId, invoiceId: xeroId, amount: 200 });
    expect(part.status).toBe(201);
    await expect.poll(() => payment.getAttribute("data-status"), POLL).toBe("PARTIALLY_PAID");
    await expect.poll(() => due.innerText(), POLL).toContain("400.00");
    const rest = await fakeControl("/__payments", { tenantId, invoiceId: xeroId, amount: 400 });
    expect(rest.status).toBe(201);
    await expect.poll(() => payment.getAttribute("data-status"), POLL).toBe("PAID");
    await expect.poll(() => due.innerText(), POLL).toContain("0.00");
    // The desktop page, open all along, followed too.
    await expect.poll(() => page.locator('[data-testid="invoice-payment"]').getAttribute("data-status"), POLL).toBe("PAID");
    await screenshot(phone.page, "xero-invoice-paid-phone");
    await apiCall(context, "DELETE", `${API}/integrations/xero`);
  });
});
