/// <reference lib="dom" />
// Shared helpers for the browser tests: Debian's Chromium through playwright-core (no browser
// downloads), a base URL from KONTOR_URL, and signed-in contexts for the demo users.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll } from "vitest";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from "playwright-core";

export const BASE_URL = (process.env.KONTOR_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
export const DEMO_PASSWORD = "kontor-demo-password";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = process.env.KONTOR_SCREENSHOTS ?? "/tmp/kontor-e2e";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A phone: 375×812, touch, mobile viewport rules. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 800 },
};

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Actions and waits get more than Playwright's 30 s default: CI machines here have two cores. */
export const DEFAULT_TIMEOUT_MS = Number(process.env.KONTOR_E2E_TIMEOUT_MS ?? 45_000);

/** Options for vitest's expect.poll (its own default gives up after one second). */
export const POLL = { timeout: DEFAULT_TIMEOUT_MS, interval: 100 } as const;

/** A browser context on BASE_URL (not signed in). */
export async function newContext(browser: Browser, options: BrowserContextOptions = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: BASE_URL, ...options });
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(DEFAULT_TIMEOUT_MS);
  return context;
}

/** Sign in through the API inside `context` (its cookie jar is the browser's). */
export async function signIn(context: BrowserContext, email: string, password = DEMO_PASSWORD): Promise<void> {
  const res = await context.request.post(`${BASE_URL}/api/auth/sign-in/email`, {
    data: { email, password },
    headers: { Origin: BASE_URL },
  });
  if (res.status() !== 200) {
    throw new Error(`sign-in as ${email} failed: ${res.status()} ${await res.text()}`);
  }
}

/** A new browser context signed in as `email`, with one page open (not navigated yet). */
export async function newSignedInContext(
  browser: Browser,
  email: string,
  options: BrowserContextOptions = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, options);
  await signIn(context, email);
  const page = await context.newPage();
  return { context, page };
}

/**
 * One browser for a test file, and every context it opens closed at the end: call once at the top
 * of the file. `open` signs in; `anonymous` is a context with no session (the public pages).
 */
export function useBrowser() {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
  });
  const started = () => {
    if (!browser) throw new Error("useBrowser(): the browser is not launched yet (call from a test)");
    return browser;
  };
  return {
    async open(email: string, options: BrowserContextOptions = DESKTOP) {
      const opened = await newSignedInContext(started(), email, options);
      contexts.push(opened.context);
      return opened;
    },
    async anonymous(options: BrowserContextOptions = DESKTOP) {
      const context = await newContext(started(), options);
      contexts.push(context);
      return context;
    },
  };
}

/** A customers-list row by the customer's name. */
export const customerRowNamed = (page: Page, name: string) =>
  page.locator('[data-testid="customer-row"]', {
    has: page.locator('[data-testid="customer-name"]', { hasText: name }),
  });

/** Call the JSON API as the context's signed-in user (same origin, so state changes pass). */
export async function apiCall<T = unknown>(
  context: BrowserContext,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await context.request.fetch(`${BASE_URL}${path}`, {
    method,
    data: body,
    headers: { Origin: BASE_URL, Accept: "application/json", ...headers },
  });
  const text = await res.text();
  return { status: res.status(), body: (text ? JSON.parse(text) : undefined) as T };
}

export interface TestCustomer {
  id: string;
  legalName: string;
  rev: number;
}

/** Create a customer through the API; throws unless 201. */
export async function createCustomer(
  context: BrowserContext,
  entity: string,
  input: { legalName: string; email?: string; country?: string; currency?: string },
): Promise<TestCustomer> {
  const res = await apiCall<TestCustomer>(
    context,
    "POST",
    `/api/v1/entities/${entity}/customers`,
    { email: "billing@example.test", country: "US", ...input },
    { "Idempotency-Key": crypto.randomUUID() },
  );
  if (res.status !== 201) throw new Error(`create customer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Save a screenshot outside the repo, for looking at. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage });
  return path;
}

/** Wait until the live connection indicator says Live. */
export async function waitForLive(page: Page, timeout = 20_000): Promise<void> {
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout });
}

/** The page has no horizontal scroll (content fits the viewport width). */
export async function hasNoHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(
    () => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1,
  );
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Run axe-core (from node_modules, no network) on the page; the serious and critical violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not as a <script>: the app's CSP (rightly) refuses inline
  // scripts, and axe is the test's tool, not part of the page.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(`${readFileSync(AXE_PATH, "utf8")}\n;void 0`);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary ?? ""}`) }));
  });
}
