/// <reference lib="dom" />
// Approvals in the browser (issue 11 item 7): the sales rep submits a quote whose discount needs
// approval (acme-us's demo workflow: "Big discount", maxDiscountPercent > 20 → an approver); the
// approver's phone inbox shows the task without a reload, the approver decides in the bottom bar,
// and the sales editor shows the outcome live: APPROVED (and it publishes) or REJECTED with the
// comment. A withdrawal shows on the approver's open task at once. The workflow editor places the
// server's error paths at their fields and explains a quote's rule condition by condition.
import { describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { DESKTOP, PHONE, POLL, apiCall, createCustomer, hasNoHorizontalScroll, screenshot, uniqueName, useBrowser, waitForLive } from "./support.ts";

const ENTITY = "acme-us";
const { open } = useBrowser();

interface ApiQuote {
  id: string;
  quoteNumber: string;
  title: string;
  status: string;
  approvalStatus: string;
  approvalRequired: boolean;
  termsApproved: boolean;
}

/** A DRAFT with a 25 % discount (over the demo rule's 20 %), created by `context`'s user. */
async function discountedQuote(context: BrowserContext): Promise<ApiQuote & { customerName: string }> {
  const customerName = uniqueName("Approval Buyer");
  const customer = await createCustomer(context, ENTITY, { legalName: customerName, currency: "USD" });
  const res = await apiCall<ApiQuote>(
    context,
    "POST",
    `/api/v1/entities/${ENTITY}/quotes`,
    {
      customerId: customer.id,
      title: uniqueName("Discounted deal"),
      currency: "USD",
      lines: [{ priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "25" } }],
    },
    { "Idempotency-Key": crypto.randomUUID() },
  );
  if (res.status !== 201) throw new Error(`create quote: ${res.status} ${JSON.stringify(res.body)}`);
  expect(res.body.approvalRequired).toBe(true);
  return { ...res.body, customerName };
}

async function getQuote(context: BrowserContext, id: string): Promise<ApiQuote> {
  const res = await apiCall<ApiQuote>(context, "GET", `/api/v1/entities/${ENTITY}/quotes/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

async function openEditor(page: Page, id: string) {
  await page.goto(`/${ENTITY}/quotes/${id}`);
  await page.locator('[data-testid="quote-lines"]').waitFor();
  await waitForLive(page);
}

/** Submit from the editor: Publish is held until approval, then the banner says PENDING and the editor locks. */
async function submitInEditor(page: Page) {
  expect(await page.locator('[data-testid="publish-quote"]').isDisabled()).toBe(true);
  await page.locator('[data-testid="publish-blocked"]').waitFor();
  await page.locator('[data-testid="submit-quote"]').click();
  await page.locator('[data-testid="approval-banner"][data-state="PENDING"]').waitFor();
  await page.locator('[data-testid="line-quantity"]').first().waitFor({ state: "detached" }); // read-only while pending
  expect(await page.locator('[data-testid="approval-approvers"]').textContent()).toContain("Avery Approver");
}

const badge = async (page: Page) => {
  const el = page.locator('[data-testid="nav-inbox"] [data-testid="inbox-count"]');
  return (await el.count()) ? Number((await el.textContent())?.replace(/\D/g, "")) : 0;
};

describe("approvals", () => {
  test("submit → the approver's phone inbox shows it live → approve in the bottom bar → the editor shows APPROVED live and publishes", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const approver = await open("approver@acme.test", PHONE);
    const quote = await discountedQuote(sales.context);

    await approver.page.goto(`/${ENTITY}/inbox`);
    await approver.page.locator('[data-testid="task-list"]').waitFor();
    await waitForLive(approver.page);
    const before = await badge(approver.page);

    await openEditor(sales.page, quote.id);
    await submitInEditor(sales.page);
    await screenshot(sales.page, "approvals-editor-pending-desktop");

    // The task arrives in the open inbox and the badge counts it, with no reload.
    const card = approver.page.locator(`[data-testid="task-card"][data-quote-id="${quote.id}"]`);
    await card.waitFor();
    expect(await card.locator('[data-testid="task-customer"]').textContent()).toBe(quote.customerName);
    expect(await card.locator('[data-testid="task-discount"]').textContent()).toBe("25%");
    expect(await card.locator('[data-testid="task-tcv"]').textContent()).toBe("$11,250.00"); // 937.50 a month × 12
    expect(await card.locator('[data-testid="task-rule"]').textContent()).toContain("Big discount");
    await expect.poll(() => badge(approver.page), POLL).toBe(before + 1);
    expect(await hasNoHorizontalScroll(approver.page)).toBe(true);
    await screenshot(approver.page, "approvals-inbox-phone", false);

    await card.tap();
    await approver.page.locator('[data-testid="task-view"][data-status="OPEN"]').waitFor();
    expect(await approver.page.locator('[data-testid="task-line"]').count()).toBe(1);
    expect(await approver.page.locator('[data-testid="task-max-discount"]').textContent()).toBe("25%");
    expect(await approver.page.locator('[data-testid="history-entry"][data-action="SUBMITTED"]').count()).toBe(1);
    // The decision bar sits at the bottom of the screen, within thumb reach, with full-size targets.
    const approve = approver.page.locator('[data-testid="approve-task"]');
    const box = (await approve.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.y).toBeGreaterThan(812 / 2);
    expect(box.y + box.height).toBeLessThanOrEqual(812);
    expect(await hasNoHorizontalScroll(approver.page)).toBe(true);
    await screenshot(approver.page, "approvals-task-phone", false);

    await approve.tap();
    await approver.page.locator('[data-testid="task-outcome"][data-status="APPROVED"]').waitFor();
    expect(await approve.isDisabled()).toBe(true);
    expect(await approver.page.locator('[data-testid="reject-task"]').isDisabled()).toBe(true);
    await expect.poll(() => badge(approver.page), POLL).toBe(before);

    // The sales editor hears it: APPROVED, and Publish is offered.
    await sales.page.locator('[data-testid="approval-banner"][data-state="APPROVED"]').waitFor();
    await sales.page.locator('[data-testid="publish-blocked"]').waitFor({ state: "detached" });
    expect(await sales.page.locator('[data-testid="submit-quote"]').count()).toBe(0);
    await sales.page.locator('[data-testid="publish-quote"]').click();
    await sales.page.locator('[data-testid="quote-status"][data-status="PUBLISHED"]').waitFor();
    const published = await getQuote(sales.context, quote.id);
    expect(published.status).toBe("PUBLISHED");
    expect(published.approvalStatus).toBe("APPROVED");

    // The decided task is in the approver's Done tab.
    await approver.page.locator('[data-testid="back-to-inbox"]').tap();
    await approver.page.locator('[data-testid="inbox-tab-done"]').tap();
    await approver.page.locator(`[data-testid="task-card"][data-quote-id="${quote.id}"][data-status="APPROVED"]`).waitFor();
  });

  test("a task that arrives elsewhere in the app is a toast; reject asks for the comment; the editor shows REJECTED and the comment live", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const approver = await open("approver@acme.test", PHONE);
    const quote = await discountedQuote(sales.context);

    await approver.page.goto(`/${ENTITY}/quotes`);
    await approver.page.locator('[data-testid="quote-list"]').waitFor();
    await waitForLive(approver.page);

    await openEditor(sales.page, quote.id);
    await submitInEditor(sales.page);

    // Not on the inbox: a toast says a task arrived, and takes the approver to it.
    const toast = approver.page.locator('[data-testid="toast"]', { hasText: quote.quoteNumber });
    await toast.waitFor();
    await toast.locator('[data-testid="toast-action"]').tap();
    await approver.page.locator('[data-testid="task-view"][data-status="OPEN"]').waitFor();
    expect(await approver.page.locator('[data-testid="task-view"] h1').textContent()).toBe(quote.customerName);

    // Reject needs a reason.
    await approver.page.locator('[data-testid="reject-task"]').tap();
    await approver.page.locator('[data-testid="reject-form"]').waitFor();
    await approver.page.locator('[data-testid="confirm-reject"]').tap();
    await approver.page.locator('[data-testid="reject-error"]').waitFor();
    expect(await approver.page.locator('[data-testid="reject-comment"]').getAttribute("aria-invalid")).toBe("true");
    await screenshot(approver.page, "approvals-reject-phone", false);
    const comment = "25% is too deep for a one-year term: 15% at most.";
    await approver.page.locator('[data-testid="reject-comment"]').fill(comment);
    await approver.page.locator('[data-testid="confirm-reject"]').tap();
    await approver.page.locator('[data-testid="task-outcome"][data-status="REJECTED"]').waitFor();
    expect(await approver.page.locator('[data-testid="task-outcome-comment"]').textContent()).toBe(`“${comment}”`);
    expect(await approver.page.locator('[data-testid="approve-task"]').isDisabled()).toBe(true);

    // The editor hears it: REJECTED with the comment, editable again, and it can be submitted again.
    await sales.page.locator('[data-testid="approval-banner"][data-state="REJECTED"]').waitFor();
    expect(await sales.page.locator('[data-testid="approval-comment"]').textContent()).toBe(`“${comment}”`);
    await sales.page.locator('[data-testid="line-quantity"]').first().waitFor();
    await sales.page.locator('[data-testid="submit-quote"]').waitFor();
    expect(await sales.page.locator('[data-testid="publish-quote"]').isDisabled()).toBe(true);
    const rejected = await getQuote(sales.context, quote.id);
    expect([rejected.status, rejected.approvalStatus]).toEqual(["DRAFT", "REJECTED"]);
    await screenshot(sales.page, "approvals-editor-rejected-desktop");
  });

  test("a withdrawal shows on the approver's open task at once and disables its bar", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const approver = await open("approver@acme.test", PHONE);
    const quote = await discountedQuote(sales.context);
    await openEditor(sales.page, quote.id);
    await submitInEditor(sales.page);

    const tasks = await apiCall<{ items: { id: string }[] }>(approver.context, "GET", `/api/v1/entities/${ENTITY}/tasks?status=OPEN&assignee=me&quoteId=${quote.id}`);
    expect(tasks.body.items).toHaveLength(1);
    await approver.page.goto(`/${ENTITY}/inbox/${tasks.body.items[0].id}`);
    await approver.page.locator('[data-testid="task-view"][data-status="OPEN"]').waitFor();
    await waitForLive(approver.page);
    expect(await approver.page.locator('[data-testid="approve-task"]').isEnabled()).toBe(true);

    await sales.page.locator('[data-testid="withdraw-quote"]').click();
    await sales.page.locator('[data-testid="approval-banner"][data-state="PENDING"]').waitFor({ state: "detached" });
    await sales.page.locator('[data-testid="line-quantity"]').first().waitFor(); // editable again

    await approver.page.locator('[data-testid="task-outcome"][data-status="CANCELLED"]').waitFor();
    expect(await approver.page.locator('[data-testid="approve-task"]').isDisabled()).toBe(true);
    expect(await approver.page.locator('[data-testid="reject-task"]').isDisabled()).toBe(true);
    await approver.page.locator('[data-testid="history-entry"][data-action="WITHDRAWN"]').waitFor();
  });

  test("a change of terms after approval needs approval again, and the reviewer sees what changed", async () => {
    const sales = await open("sales@acme.test", DESKTOP);
    const approver = await open("approver@acme.test", PHONE);
    const quote = await discountedQuote(sales.context);
    const post = (context: BrowserContext, path: string, body: unknown = {}) =>
      apiCall<{ id: string }>(context, "POST", `/api/v1/entities/${ENTITY}${path}`, body, { "Idempotency-Key": crypto.randomUUID() });
    expect((await post(sales.context, `/quotes/${quote.id}/submit`)).status).toBe(200);
    const first = await apiCall<{ items: { id: string }[] }>(approver.context, "GET", `/api/v1/entities/${ENTITY}/tasks?status=OPEN&quoteId=${quote.id}`);
    expect((await post(approver.context, `/tasks/${first.body.items[0].id}/approve`)).status).toBe(200);

    await openEditor(sales.page, quote.id);
    await sales.page.locator('[data-testid="approval-banner"][data-state="APPROVED"]').waitFor();
    // Someone deepens the discount (here through the API): the open editor hears it, and approval is needed again.
    const current = await apiCall<{ rev: number; lines: { id: string; priceId: string }[] }>(sales.context, "GET", `/api/v1/entities/${ENTITY}/quotes/${quote.id}`);
    const l = current.body.lines[0];
    const patched = await apiCall(sales.context, "PATCH", `/api/v1/entities/${ENTITY}/quotes/${quote.id}`, { lines: [{ id: l.id, priceId: l.priceId, quantity: "1", discount: { type: "PERCENTAGE", value: "30" } }] }, {
      "If-Match": `"${current.body.rev}"`,
    });
    expect(patched.status).toBe(200);
    await sales.page.locator('[data-testid="approval-banner"][data-state="REQUIRED"]').waitFor();
    await submitInEditor(sales.page);

    const second = await apiCall<{ items: { id: string }[] }>(approver.context, "GET", `/api/v1/entities/${ENTITY}/tasks?status=OPEN&quoteId=${quote.id}`);
    expect(second.body.items).toHaveLength(1);
    await approver.page.goto(`/${ENTITY}/inbox/${second.body.items[0].id}`);
    await approver.page.locator('[data-testid="task-changes"]').waitFor();
    const change = approver.page.locator('[data-testid="task-change"][data-kind="lineChanged"]');
    expect(await change.count()).toBe(1);
    expect(await change.textContent()).toContain("25%");
    expect(await change.textContent()).toContain("30%");
    expect(await approver.page.locator('[data-testid="history-entry"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.action))).toEqual(["SUBMITTED", "APPROVED", "SUBMITTED"]);
    expect(await hasNoHorizontalScroll(approver.page)).toBe(true);
    await screenshot(approver.page, "approvals-reapproval-phone");
  });

  test("the workflow editor: the server's error paths at their fields, a rule added and removed, a quote tested condition by condition; read-only for sales", async () => {
    const admin = await open("admin@acme.test", DESKTOP);
    const quote = await discountedQuote(admin.context);
    const page = admin.page;
    await page.goto(`/${ENTITY}/settings/approvals`);
    await page.locator('[data-testid="workflow-form"]').waitFor();
    await waitForLive(page);
    const rules = page.locator('[data-testid="rule"]');
    const names = () => rules.locator('[data-testid="rule-name"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const original = await names();
    expect(original.slice(0, 2)).toEqual(["Big discount", "Large deal"]);
    expect(await rules.last().getAttribute("data-default")).toBe("true");
    expect(await rules.last().locator('[data-testid="rule-up"], [data-testid="rule-remove"]').count()).toBe(0); // the default stays last

    // A new rule goes above the default; the ops offered follow the field.
    await page.locator('[data-testid="add-rule"]').click();
    const added = rules.nth(original.length - 1);
    await added.locator('[data-testid="condition-field"]').selectOption("currency");
    expect(await added.locator('[data-testid="condition-op"] option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual(["eq", "neq", "in"]);
    await added.locator('[data-testid="condition-value"]').selectOption("JPY");
    // An empty name and a step with nobody in it: the server says where, and the editor shows it there.
    await added.locator('[data-testid="rule-name"]').fill("");
    await added.locator('[data-testid="step-role-approver"]').uncheck();
    await page.locator('[data-testid="save-workflow"]').click();
    const i = original.length - 1;
    await page.locator(`[data-testid="error-rules.${i}.name"]`).waitFor();
    expect(await added.locator('[data-testid="rule-name"]').getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "approvals-workflow-errors-desktop");
    await added.locator('[data-testid="rule-name"]').fill("Yen deals");
    await page.locator('[data-testid="save-workflow"]').click();
    await page.locator(`[data-testid="error-rules.${i}.steps.0.approvers"]`).waitFor();
    await added.locator('[data-testid="step-role-admin"]').check();
    await page.locator('[data-testid="save-workflow"]').click();
    await page.locator('[data-testid="save-workflow"]', { hasText: "Saved" }).waitFor();
    expect((await apiCall<{ rules: { name: string }[] }>(admin.context, "GET", `/api/v1/entities/${ENTITY}/approval-workflow`)).body.rules.map((r) => r.name)).toEqual([
      ...original.slice(0, -1),
      "Yen deals",
      original[original.length - 1],
    ]);

    // Moved up, then removed again: the demo workflow as it was.
    await added.locator('[data-testid="rule-up"]').click();
    expect((await names()).slice(i - 1, i + 1)).toEqual(["Yen deals", original[i - 1]]);
    await rules.nth(i - 1).locator('[data-testid="rule-remove"]').click();
    expect(await names()).toEqual(original);
    await page.locator('[data-testid="save-workflow"]').click();
    await page.locator('[data-testid="save-workflow"]', { hasText: "Saved" }).waitFor();
    expect((await apiCall<{ rules: { name: string }[] }>(admin.context, "GET", `/api/v1/entities/${ENTITY}/approval-workflow`)).body.rules.map((r) => r.name)).toEqual(original);

    // Test against a quote: the server's evaluation, condition by condition.
    await page.reload();
    await page.locator('[data-testid="evaluate-quote"]').selectOption(quote.id);
    await page.locator('[data-testid="evaluate-run"]').click();
    await page.locator('[data-testid="evaluate-result"][data-rule="Big discount"]').waitFor();
    const condition = page.locator('[data-testid="evaluate-condition"]').first();
    expect(await condition.getAttribute("data-matched")).toBe("true");
    expect(await condition.locator('[data-testid="evaluate-actual"]').textContent()).toBe("25");
    await screenshot(page, "approvals-workflow-desktop");

    const sales = await open("sales@acme.test", PHONE);
    await sales.page.goto(`/${ENTITY}/settings/approvals`);
    await sales.page.locator('[data-testid="workflow-read-only"]').waitFor();
    expect(await sales.page.locator('[data-testid="save-workflow"], [data-testid="add-rule"], [data-testid="rule-remove"]').count()).toBe(0);
    expect(await sales.page.locator('[data-testid="rule-name"]').first().isDisabled()).toBe(true);
    expect(await hasNoHorizontalScroll(sales.page)).toBe(true);
  });
});
