/// <reference lib="dom" />
// The Xero preflight on a draft invoice: acme-uk connected to an organisation of the fake (through its
// consent page, by click), mapped in the form with a revenue account and a tracking option but not its VAT rate. The draft's page says
// which line Xero would tax differently, with a link to the mappings; once mapped, the warning is gone
// on the phone too. Finalize is never blocked by it.
import { describe, expect, test } from "vitest";
import { DESKTOP, PHONE, POLL, apiCall, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser } from "./support.ts";
import { connectByClick, newOrganisation } from "./xero.ts";

const ENTITY = "acme-uk";
const API = `/api/v1/entities/${ENTITY}`;
const { open } = useBrowser();

describe("Xero preflight (web)", () => {
  test("a draft whose VAT rate Xero has no tax type for says so at its line; mapped, it does not (1280 and 375 px)", async () => {
    const organisation = uniqueName("Preflight Books");
    await newOrganisation(organisation);
    const { context, page } = await open("admin@acme.test", DESKTOP);
    await connectByClick(page, context, ENTITY, organisation);

    const rate = await apiCall<{ id: string }>(context, "POST", `${API}/tax-rates`, { name: uniqueName("VAT 20%"), percentage: "20" });
    // Mapped in the form: a revenue account and a tracking option, but not the new VAT rate.
    await page.reload();
    const form = page.locator('[data-testid="xero-mappings-form"]');
    await expect.poll(() => form.locator('[data-testid="mapping-defaultRevenueAccount"] option').allInnerTexts(), POLL).toContain("200 · Sales");
    await form.locator('[data-testid="mapping-defaultRevenueAccount"]').selectOption("200");
    await form.locator('[data-testid="mapping-tracking"]').selectOption({ label: "Region: UK" });
    await form.locator('[data-testid="xero-mappings-save"]').click();
    // Mappings an earlier organisation left show "Last saved" already: wait for what is stored.
    const stored = async () => (await apiCall<{ defaultRevenueAccount: string; tracking: unknown; stale: boolean }>(context, "GET", `${API}/integrations/xero/mappings`)).body;
    await expect.poll(stored, POLL).toMatchObject({ defaultRevenueAccount: "200", tracking: { category: "Region", option: "UK" }, stale: false });
    const customer = await apiCall<{ id: string }>(context, "POST", `${API}/customers`, { legalName: uniqueName("Preflight Ltd"), email: "ap@preflight.test", country: "GB" });
    const draft = await apiCall<{ id: string }>(context, "POST", `${API}/invoices`, {
      customerId: customer.body.id,
      currency: "GBP",
      lines: [
        { title: "Licence", quantity: "1", rate: "500", taxRateId: rate.body.id },
        { title: "Donation", quantity: "1", rate: "10", taxRateId: null },
      ],
    });
    expect(draft.status).toBe(201);

    await page.goto(`/${ENTITY}/invoices/${draft.body.id}`);
    const warning = page.locator('[data-testid="xero-preflight"]');
    await warning.waitFor();
    const problems = warning.locator('[data-testid="xero-preflight-problems"] li');
    await expect.poll(() => problems.count(), POLL).toBe(1);
    expect(await problems.first().getAttribute("data-path")).toBe("lines.0.taxType");
    expect(await problems.first().innerText()).toContain("Line 1 (Licence)");
    expect(await page.locator('[data-testid="finalize-invoice"]').isEnabled()).toBe(true);
    await screenshot(page, "xero-preflight-desktop");
    await warning.locator('[data-testid="xero-preflight-fix"]').click();
    await page.waitForURL((url) => url.pathname === `/${ENTITY}/settings/integrations`);

    expect((await apiCall(context, "PUT", `${API}/integrations/xero/mappings`, { defaultRevenueAccount: "200", taxTypes: { [rate.body.id]: "OUTPUT2" }, tracking: { category: "Region", option: "UK" } })).status).toBe(200);
    const phone = await open("finance@acme.test", PHONE);
    await phone.page.goto(`/${ENTITY}/invoices/${draft.body.id}`);
    await phone.page.locator('[data-testid="xero-preflight-ok"]').waitFor();
    expect(await phone.page.locator('[data-testid="xero-preflight"]').count()).toBe(0);
    await screenshot(phone.page, "xero-preflight-phone");
    expect(await hasNoHorizontalScroll(phone.page)).toBe(true);
    await apiCall(context, "DELETE", `${API}/integrations/xero`);
  });
});
