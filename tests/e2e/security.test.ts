/// <reference lib="dom" />
// The app works under its Content-Security-Policy (issue 10 item 6): the headers are on the SPA, the
// public link and the API, and using the app raises no CSP violation.
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { BASE_URL, useBrowser, waitForLive } from "./support.ts";
import { demoQuoteId } from "../../worker/seed-ids.ts";

const { open, anonymous: anonymousContext } = useBrowser();

/** Every CSP violation the page reports, from the event and from the console. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("__reportViolation", (text: string) => void seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __reportViolation(t: string): void }).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

describe("content security policy", () => {
  test("the SPA, the public link and the API send the headers", async () => {
    const context = await anonymousContext();
    for (const path of ["/", "/acme-us/quotes", "/q/ent_acme_us.demo-us-2", "/sign-in"]) {
      const res = await context.request.get(`${BASE_URL}${path}`);
      const headers = res.headers();
      expect(headers["content-security-policy"], path).toContain("script-src 'self'");
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["x-frame-options"], path).toBe("DENY");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(await res.text(), path).not.toMatch(/<script>(?!<\/script>)/); // no inline script to allow
    }
    const api = await context.request.get(`${BASE_URL}/api/v1/public/quotes/ent_acme_us.demo-us-2`);
    expect(api.headers()["cache-control"]).toBe("no-store");
  });

  test("signing in, the lists, a quote, the public link and the API docs raise no violation", async () => {
    const anonymous = await anonymousContext();
    const signInPage = await anonymous.newPage();
    const anonymousViolations = await watchViolations(signInPage);
    await signInPage.goto("/sign-in");
    await signInPage.locator('input[type="email"]').fill("sales@acme.test");
    await signInPage.locator('input[type="password"]').fill("kontor-demo-password");
    await signInPage.locator('button[type="submit"]').click();
    await signInPage.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await signInPage.goto("/q/ent_acme_us.demo-us-2");
    await signInPage.locator("h1").first().waitFor();
    await signInPage.goto("/api/docs");
    await signInPage.locator(".swagger-ui").first().waitFor();
    expect(anonymousViolations).toEqual([]);

    const { page } = await open("admin@acme.test");
    const violations = await watchViolations(page);
    for (const path of ["/acme-us/customers", "/acme-us/products", "/acme-us/quotes"]) {
      await page.goto(path);
      await waitForLive(page);
    }
    await page.goto(`/acme-us/quotes/${demoQuoteId("us", 1)}`);
    await waitForLive(page);
    await page.locator('[data-testid="quote-totals"]').waitFor();
    expect(violations).toEqual([]);
  });
});
