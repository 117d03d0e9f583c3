// The demo data of API.md, and seeding twice writes nothing new.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../../worker/seed.ts";
import { demoApprovalQuoteId, demoInvoiceId, demoQuoteId, demoScheduleId } from "../../worker/seed-ids.ts";
import { ApiClient } from "../support/client.ts";

const count = async () =>
  JSON.stringify(
    await Promise.all(
      [env.ENTITY_ACME_US, env.ENTITY_ACME_UK, env.ENTITY_ACME_DE].map((db) =>
        db.prepare("SELECT (SELECT COUNT(*) FROM customers) c, (SELECT COUNT(*) FROM products) p, (SELECT COUNT(*) FROM quotes) q, (SELECT MAX(seq) FROM events) e, (SELECT COUNT(*) FROM approval_tasks) t, (SELECT COUNT(*) FROM approval_workflows) w, (SELECT COUNT(*) FROM invoices) i, (SELECT COUNT(*) FROM credit_notes) n, (SELECT COUNT(*) FROM billing_schedules) s, (SELECT COUNT(*) FROM outbox) o").first(),
      ),
    ).then(async (rows) => [...rows, await env.CONTROL.prepare("SELECT (SELECT COUNT(*) FROM users) u, (SELECT COUNT(*) FROM memberships) m").first()]),
  );

describe("demo data", () => {
  it("has the entities, users and memberships of API.md", async () => {
    const expected: Record<string, string[]> = {
      "admin@acme.test": ["acme-de", "acme-uk", "acme-us"],
      "finance@acme.test": ["acme-de", "acme-uk", "acme-us"],
      "sales@acme.test": ["acme-uk", "acme-us"],
      "approver@acme.test": ["acme-us"],
      "uk@acme.test": ["acme-uk"],
    };
    for (const [email, slugs] of Object.entries(expected)) {
      const user = await ApiClient.signIn(email);
      const list = await user.get("/api/v1/entities");
      expect(list.body.items.map((e: any) => e.slug).sort(), email).toEqual(slugs);
    }
    const admin = await ApiClient.signIn("admin@acme.test");
    const entities = (await admin.get("/api/v1/entities")).body.items;
    expect(entities.map((e: any) => [e.slug, e.name, e.country, e.currency, e.environment]).sort()).toEqual([
      ["acme-de", "Acme GmbH", "DE", "EUR", "local"],
      ["acme-uk", "Acme Ltd", "GB", "GBP", "local"],
      ["acme-us", "Acme Inc", "US", "USD", "local"],
    ]);
  });

  it("each entity has customers, products, prices, quotes, invoices and tax rates; a published demo quote opens without login", async () => {
    const admin = await ApiClient.signIn("admin@acme.test");
    for (const slug of ["acme-us", "acme-uk", "acme-de"]) {
      for (const resource of ["customers", "products", "prices", "quotes", "invoices", "tax-rates"]) {
        expect((await admin.get(`/api/v1/entities/${slug}/${resource}`)).body.items.length, `${slug} ${resource}`).toBeGreaterThan(0);
      }
    }
    const quotes = (await admin.get("/api/v1/entities/acme-uk/quotes?limit=100")).body.items;
    expect(quotes.map((q: any) => q.status)).toEqual(expect.arrayContaining(["DRAFT", "PUBLISHED", "ACCEPTED"]));
    const published = quotes.find((q: any) => q.id === demoQuoteId("uk", 2));
    const view = await new ApiClient().get(`/api/v1/public/quotes/${new URL(published.publicUrl).pathname.slice(3)}`);
    expect(view.status).toBe(200);
    expect(view.body.lines[0].name).toBe("Kontor Platform — Platform — yearly");
    expect(view.body.totals.total).toBe("16500.00");
    // The seller on a demo customer's page is a real seller: address and VAT number, not just a name.
    expect(view.body.seller.addressLines).toEqual(["1 Finsbury Avenue", "London", "EC2M 2PF", "United Kingdom"]);
    expect(view.body.seller.taxIds).toEqual(["VAT GB123456789"]);
  });

  it("each demo entity has its seller details in Settings", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    for (const [slug, city] of [["acme-us", "San Francisco"], ["acme-uk", "London"], ["acme-de", "Berlin"]]) {
      const merchant = (await finance.get(`/api/v1/entities/${slug}/merchant`)).body;
      expect(merchant.address.city, slug).toBe(city);
      expect(merchant.taxRegistrations.length, slug).toBe(1);
      expect(merchant.rev, slug).toBe(1);
    }
  });

  it("acme-us has the pinned approval workflow and a quote submitted by sales, waiting in the approver's inbox", async () => {
    const approver = await ApiClient.signIn("approver@acme.test");
    const workflow = (await approver.get("/api/v1/entities/acme-us/approval-workflow")).body;
    expect(workflow.version).toBeGreaterThan(0);
    expect(workflow.rules.map((r: any) => [r.name, r.steps.map((s: any) => [s.approvers.roles, s.mode])])).toEqual([
      ["Big discount", [[["approver"], "ANY"]]],
      ["Large deal", [[["approver"], "ANY"], [["admin"], "ALL"]]],
      ["Default", []],
    ]);
    const inbox = (await approver.get("/api/v1/entities/acme-us/tasks?status=OPEN&assignee=me")).body.items;
    const seeded = inbox.find((t: any) => t.quoteId === demoApprovalQuoteId("us"));
    expect(seeded).toMatchObject({ status: "OPEN", assigneeUserId: "usr_approver", requestedBy: "usr_sales", requestedByName: "Sam Sales", rule: { name: "Big discount" }, quote: { maxDiscountPercent: "25" } });
    const quote = (await approver.get(`/api/v1/entities/acme-us/quotes/${demoApprovalQuoteId("us")}`)).body;
    expect(quote).toMatchObject({ status: "DRAFT", approvalStatus: "PENDING", quoteNumber: "Q00004", approval: { status: "PENDING", submittedBy: "usr_sales", pendingApprovers: [{ userId: "usr_approver" }] } });
    // The other entities have no workflow, and no pending quote.
    const uk = (await approver.get("/api/v1/entities/acme-uk/approval-workflow")).status;
    expect(uk).toBe(404);
    const admin = await ApiClient.signIn("admin@acme.test");
    expect((await admin.get("/api/v1/entities/acme-de/approval-workflow")).body.version).toBe(0);
  });

  it("each entity has schedules (ACTIVE ramp, PENDING, DRAFT) and invoices in every state, with a final credit note and stored PDFs", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    for (const [slug, key] of [["acme-us", "us"], ["acme-uk", "uk"], ["acme-de", "de"]]) {
      const base = `/api/v1/entities/${slug}`;
      const schedules = (await finance.get(`${base}/billing-schedules?limit=100`)).body.items;
      expect(schedules.map((s: any) => s.status).sort(), slug).toEqual(["ACTIVE", "DRAFT", "PENDING"]);
      const ramp = schedules.find((s: any) => s.id === demoScheduleId(key, 1));
      expect(ramp.phases, slug).toHaveLength(2);
      expect(ramp.phases[0].discounts, slug).toEqual([expect.objectContaining({ type: "PERCENTAGE", value: "20" })]);
      expect(ramp.nextInvoiceDate, slug).not.toBeNull();
      // The yearly one has Net 14 of its own; the others bill on the merchant's default.
      expect(schedules.find((s: any) => s.id === demoScheduleId(key, 2)).defaultDueDateDays, slug).toBe(14);
      expect(ramp.defaultDueDateDays, slug).toBeNull();

      const invoices = (await finance.get(`${base}/invoices?limit=100`)).body.items;
      const byId = new Map(invoices.map((i: any) => [i.id, i]));
      const at = (n: number) => byId.get(demoInvoiceId(key, n)) as any;
      expect([1, 2, 3, 4, 5, 6].map((n) => [at(n).status, at(n).paymentStatus]), slug).toEqual([
        ["DRAFT", "UNPAID"],
        ["DRAFT", "UNPAID"],
        ["FINAL", "UNPAID"],
        ["SENT", "UNPAID"],
        ["SENT", "PAID"],
        ["VOIDED", "UNPAID"],
      ]);
      // Gapless: the three finalized ones and the voided draft took 1–4, in that order.
      const prefix = at(3).invoiceNumber.replace(/\d+$/, "");
      expect([3, 4, 5, 6].map((n) => at(n).invoiceNumber), slug).toEqual([1, 2, 3, 4].map((n) => `${prefix}${String(n).padStart(6, "0")}`));
      expect(at(5).amountDue, slug).toMatch(/^0(\.0+)?$/);
      for (const n of [3, 4, 5]) expect(at(n).pdfSha256, `${slug} ${n}`).toMatch(/^[0-9a-f]{64}$/);

      const notes = (await finance.get(`${base}/credit-notes?invoiceId=${demoInvoiceId(key, 4)}`)).body.items;
      expect(notes, slug).toHaveLength(1);
      expect(notes[0]).toMatchObject({ status: "FINAL", invoiceId: demoInvoiceId(key, 4) });
      expect(notes[0].creditNoteNumber).toMatch(/-CN-000001$/);
      // The credit note (one workshop day) lowers what the sent invoice asks for.
      const sent = (await finance.get(`${base}/invoices/${demoInvoiceId(key, 4)}`)).body;
      expect(sent.amountDue).not.toBe(sent.total);
      const pdf = await finance.get(`${base}/invoices/${demoInvoiceId(key, 4)}/pdf`);
      expect(pdf.status).toBe(200);
      expect(String(pdf.body).slice(0, 5)).toBe("%PDF-");
    }
    // acme-de's sent invoice is to a reverse-charged French business: 0 % and the statement.
    const de = (await finance.get(`/api/v1/entities/acme-de/invoices/${demoInvoiceId("de", 4)}`)).body;
    expect(de.tax).toMatch(/^0(\.0+)?$/);
    expect(de.notes.join(" ")).toMatch(/reverse charge/i);
    // The sent ones went out through the outbox.
    const outbox = (await finance.get("/api/v1/entities/acme-us/outbox")).body.items;
    expect(outbox.map((m: any) => m.subjectId).sort()).toEqual([demoInvoiceId("us", 4), demoInvoiceId("us", 5)].sort());
  });

  it("what a user creates lists above the demo records, newest first (quotes, invoices, billing schedules)", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    const sales = await ApiClient.signIn("sales@acme.test");
    const base = "/api/v1/entities/acme-us";
    const customerId = (await finance.get(`${base}/customers?limit=1`)).body.items[0].id;
    const quote = await sales.post(`${base}/quotes`, { customerId, currency: "USD", title: "A new user's first quote" });
    const invoice = await finance.post(`${base}/invoices`, { customerId, currency: "USD", lines: [{ title: "Consulting", quantity: "1", rate: "100.00" }] });
    const schedule = await finance.post(`${base}/billing-schedules`, { customerId, currency: "USD", startDate: "2031-01-01", phases: [{ prices: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }] });
    for (const [resource, created] of [["quotes", quote], ["invoices", invoice], ["billing-schedules", schedule]] as const) {
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const listed = (await finance.get(`${base}/${resource}?limit=100`)).body.items.map((i: { id: string }) => i.id);
      expect(listed[0], resource).toBe(created.body.id);
      expect(listed.length, resource).toBeGreaterThan(1);
    }
    // The demo keeps its own order below: the newest demo quote first, the one awaiting approval last.
    const quotes = (await finance.get(`${base}/quotes?limit=100`)).body.items.map((q: { id: string }) => q.id);
    expect(quotes.indexOf(demoQuoteId("us", 3))).toBeLessThan(quotes.indexOf(demoQuoteId("us", 1)));
    expect(quotes.indexOf(demoQuoteId("us", 1))).toBeLessThan(quotes.indexOf(demoApprovalQuoteId("us")));
  });

  it("seeding again duplicates nothing", async () => {
    const before = await count();
    await seedDemo(env as unknown as Record<string, unknown>, "local");
    expect(await count()).toBe(before);
  });

  it("refuses to seed anything but the local environment", async () => {
    await expect(seedDemo(env as unknown as Record<string, unknown>, "sandbox")).rejects.toThrow(/local environment only/);
  });
});
