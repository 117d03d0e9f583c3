// Quote terms and honest totals (API.md "Quote terms"): startDate and contractLengthMonths through
// POST, PATCH and the co-editing set op; the contract figures in the view, the event, the public
// document; line titles and unit prices; the seller's address on the customer's copy; and quotes
// stored before any of this existed.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, unique } from "../support/client.ts";
import { sendOps } from "../support/coedit.ts";
import { joinRoom } from "../support/live.ts";

const BASE = "/api/v1/entities/acme-us";
let admin: ApiClient;
let customerId: string;
let quarterlyPriceId: string;

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (await admin.post(`${BASE}/customers`, { legalName: unique("Terms customer"), email: "terms@example.test", country: "US" })).body.id;
  const product = await admin.post(`${BASE}/products`, { name: unique("Premium support") });
  const price = await admin.post(`${BASE}/prices`, {
    productId: product.body.id,
    name: "Support — quarterly",
    currency: "USD",
    billingFrequency: "QUARTERLY",
    billingType: "IN_ADVANCE",
    structure: { pricingType: "FIXED", price: "900.00" },
  });
  expect(price.status, JSON.stringify(price.body)).toBe(201);
  quarterlyPriceId = price.body.id;
});

// Monthly in advance, monthly usage in arrears (25000 calls = 30.00), quarterly in advance, one-time with 500 off.
const exampleLines = () => [
  { priceId: "price_us_platform_monthly", quantity: "1" },
  { priceId: "price_us_api_graduated", quantity: "25000" },
  { priceId: quarterlyPriceId, quantity: "1" },
  { priceId: "price_us_onboarding_once", quantity: "1", discount: { type: "NOMINAL", value: "500.00" } },
];
const create = (extra: Record<string, unknown> = {}, lines: unknown[] = exampleLines()) =>
  admin.post(`${BASE}/quotes`, { customerId, title: unique("Terms deal"), currency: "USD", lines, ...extra });

describe("quote terms — happy paths", () => {
  it("a new quote runs 12 months from acceptance, with the honest totals beside the old ones", async () => {
    const res = await create();
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const q = res.body;
    expect(q).toMatchObject({ startDate: null, contractLengthMonths: 12, totalContractValue: "23460.00" });
    expect(q.totals).toMatchObject({
      subtotal: "7180.00",
      discount: "500.00",
      total: "6680.00", // unchanged meaning: every line's one period added up
      recurring: { MONTHLY: "1280.00", QUARTERLY: "900.00" },
      oneTime: "4500.00",
      firstInvoice: "6650.00", // no arrears usage on the first invoice
      totalContractValue: "23460.00", // 4500 + 1280 × 12 + 900 × 4
      annualRecurringRevenue: "18960.00",
    });
    expect((await admin.get(`${BASE}/quotes/${q.id}`)).body.totals).toEqual(q.totals);
  });

  it("POST and PATCH set the terms; the contract value follows the length, a started quarter counts whole", async () => {
    const q = (await create({ startDate: "2027-01-31", contractLengthMonths: 24 })).body;
    expect(q).toMatchObject({ startDate: "2027-01-31", contractLengthMonths: 24, totalContractValue: "42420.00" }); // 4500 + 1280 × 24 + 900 × 8
    const patched = await admin.patch(`${BASE}/quotes/${q.id}`, { contractLengthMonths: 13, startDate: null }, { "if-match": `"${q.rev}"` });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ startDate: null, contractLengthMonths: 13, totalContractValue: "25640.00", rev: q.rev + 1 }); // 4500 + 1280 × 13 + 900 × 5
    expect(patched.body.totals.firstInvoice).toBe("6650.00");
    const events = (await admin.get(`${BASE}/events?after=0&limit=100`)).body.items.filter((e: any) => e.subject.id === q.id && e.kind === "quote.updated");
    expect(events.at(-1).data.quote).toMatchObject({ contractLengthMonths: 13, totalContractValue: "25640.00" });
  });

  it("the co-editing set op changes the terms; quote.updated carries the new totals", async () => {
    const q = (await create()).body;
    const live = await joinRoom("ent_acme_us", admin, "acme-us");
    const { answer } = await sendOps(live, q.id, q.rev, [
      { op: "set", field: "contractLengthMonths", value: 36 },
      { op: "set", field: "startDate", value: "2027-03-01" },
    ]);
    expect(answer.type, JSON.stringify(answer)).toBe("ack");
    const event: any = await live.waitFor((m: any) => m.type === "event" && m.kind === "quote.updated" && m.data.quoteId === q.id && m.data.rev === answer.rev, 20_000);
    expect(event.data.totals).toMatchObject({ totalContractValue: "61380.00", firstInvoice: "6650.00" }); // 4500 + 1280 × 36 + 900 × 12
    expect(event.data.ops).toEqual([
      { op: "set", field: "contractLengthMonths", value: 36 },
      { op: "set", field: "startDate", value: "2027-03-01" },
    ]);
    expect((await admin.get(`${BASE}/quotes/${q.id}`)).body).toMatchObject({ startDate: "2027-03-01", contractLengthMonths: 36, totalContractValue: "61380.00" });
    live.close();
  });

  it("lines name the product and the price apart, with a unit price where the model has one", async () => {
    const q = (await create({}, [...exampleLines(), { priceId: "price_us_seats_monthly", quantity: "12" }, { priceId: "price_us_storage_package", quantity: "250" }])).body;
    const byPrice = Object.fromEntries(q.lines.map((l: any) => [l.priceId, l]));
    expect(byPrice.price_us_onboarding_once).toMatchObject({
      name: "Onboarding — Onboarding — one time", // staff's name, unchanged
      productName: "Onboarding",
      priceName: "Onboarding — one time",
      unitPrice: "5000.00",
      billingType: "IN_ADVANCE",
      detail: "One-time fee",
    });
    expect(byPrice.price_us_api_graduated).toMatchObject({ productName: "API calls", unitPrice: null, detail: "Tiered · billed monthly in arrears" });
    expect(byPrice.price_us_seats_monthly).toMatchObject({ unitPrice: "15.00", unitLabel: "per seat", detail: "Per seat · billed monthly in advance" });
    expect(byPrice.price_us_storage_package).toMatchObject({ unitPrice: "25.00", unitLabel: "per 100 units" });
  });

  it("the public quote carries the terms, the figures, line titles and the seller's address and tax ids", async () => {
    const merchant = await admin.get(`${BASE}/merchant`);
    const put = await admin.put(
      `${BASE}/merchant`,
      {
        legalName: "Acme Inc",
        displayName: "Acme",
        email: "billing@acme.test",
        address: { line1: "1301 2nd Ave", line2: "Suite 400", city: "Seattle", region: "WA", postalCode: "98101", country: "US" },
        taxRegistrations: [{ country: "US", taxId: "12-3456789", type: "EIN" }],
        invoicePrefix: "ACME-US",
      },
      { "if-match": `"${merchant.body.rev}"` },
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const q = (await create({ contractLengthMonths: 24 })).body;
    const published = await admin.post(`${BASE}/quotes/${q.id}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const token = published.body.publicUrl.split("/q/")[1];
    const pub = await new ApiClient().get(`/api/v1/public/quotes/${token}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({
      startDate: null,
      contractLengthMonths: 24,
      totalContractValue: "42420.00",
      totals: { firstInvoice: "6650.00", oneTime: "4500.00", recurring: { MONTHLY: "1280.00", QUARTERLY: "900.00" } },
      seller: { name: "Acme", legalName: "Acme Inc", addressLines: ["1301 2nd Ave", "Suite 400", "Seattle, WA 98101", "United States"], taxIds: ["EIN 12-3456789"], email: "billing@acme.test" },
      status: "PUBLISHED",
      acceptable: true,
    });
    expect(pub.body.lines.map((l: any) => l.title)).toEqual(["Kontor Platform", "API calls", expect.stringMatching(/^Premium support/), "Onboarding"]);
    expect(pub.body.lines[3]).toMatchObject({ detail: "One-time fee", unitPrice: "5000.00" });
  });
});

describe("quote terms — bad input writes nothing", () => {
  it.each([
    ["a length of 0", { contractLengthMonths: 0 }, "contractLengthMonths"],
    ["a length over 120", { contractLengthMonths: 121 }, "contractLengthMonths"],
    ["a fractional length", { contractLengthMonths: 1.5 }, "contractLengthMonths"],
    ["a length as text", { contractLengthMonths: "12" }, "contractLengthMonths"],
    ["a date that does not exist", { startDate: "2027-02-30" }, "startDate"],
    ["a time for a date", { startDate: "2027-02-01T00:00:00Z" }, "startDate"],
  ])("POST and PATCH refuse %s (400 at the field)", async (_, extra, path) => {
    const before = await env.ENTITY_ACME_US.prepare("SELECT COUNT(*) n FROM quotes").first<{ n: number }>();
    const res = await create(extra);
    expectError(res, 400, "invalid_request");
    expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
    expect(await env.ENTITY_ACME_US.prepare("SELECT COUNT(*) n FROM quotes").first<{ n: number }>()).toEqual(before);
    const q = (await create()).body;
    const patched = await admin.patch(`${BASE}/quotes/${q.id}`, extra);
    expectError(patched, 400, "invalid_request");
    expect((await admin.get(`${BASE}/quotes/${q.id}`)).body.rev).toBe(q.rev);
  });

  it.each([
    ["contractLengthMonths", 0],
    ["contractLengthMonths", 121],
    ["contractLengthMonths", "12"],
    ["startDate", "2027-13-01"],
    ["startDate", 20270101],
  ])("the set op refuses %s = %j, and the quote is unchanged", async (field, value) => {
    const q = (await create()).body;
    const live = await joinRoom("ent_acme_us", admin, "acme-us");
    const { answer } = await sendOps(live, q.id, q.rev, [{ op: "set", field: field as "startDate", value }]);
    expect(answer).toMatchObject({ type: "reject", error: { code: "invalid_value" } });
    expect((await admin.get(`${BASE}/quotes/${q.id}`)).body).toMatchObject({ rev: q.rev, contractLengthMonths: 12, startDate: null });
    live.close();
  });
});

describe("quotes stored before the contract figures", () => {
  it("a quote row whose stored totals lack them reads with them, recomputed", async () => {
    const q = (await create()).body;
    const legacy = { subtotal: q.totals.subtotal, discount: q.totals.discount, tax: q.totals.tax, total: q.totals.total, byFrequency: q.totals.byFrequency, maxDiscountPercent: q.totals.maxDiscountPercent };
    await env.ENTITY_ACME_US.prepare("UPDATE quotes SET totals = ? WHERE id = ?").bind(JSON.stringify(legacy), q.id).run();
    const read = await admin.get(`${BASE}/quotes/${q.id}`);
    expect(read.body.totals).toEqual(q.totals);
    expect(read.body.totalContractValue).toBe("23460.00");
    const listed = await admin.get(`${BASE}/quotes?customerId=${customerId}&limit=100`);
    expect(listed.body.items.find((x: any) => x.id === q.id).totals).toEqual(q.totals);
  });

  it("a document published before them is completed on read, not rewritten", async () => {
    const q = (await create()).body;
    const token = (await admin.post(`${BASE}/quotes/${q.id}/publish`)).body.publicUrl.split("/q/")[1];
    const row = await env.ENTITY_ACME_US.prepare("SELECT document FROM quote_versions WHERE quote_id = ?").bind(q.id).first<{ document: string }>();
    const doc = JSON.parse(row!.document);
    // The shape publish froze before quote terms: no terms, no contract figures, no titles, a bare seller.
    const old = {
      ...doc,
      seller: { name: doc.seller.name, legalName: doc.seller.legalName, country: doc.seller.country },
      lines: doc.lines.map((l: any) => ({ id: l.id, name: l.name, description: l.description, pricingType: l.pricingType, billingFrequency: l.billingFrequency, quantity: l.quantity, discount: l.discount, amounts: l.amounts })),
      totals: { subtotal: doc.totals.subtotal, discount: doc.totals.discount, tax: doc.totals.tax, total: doc.totals.total, byFrequency: doc.totals.byFrequency, maxDiscountPercent: doc.totals.maxDiscountPercent },
    };
    for (const key of ["startDate", "contractLengthMonths", "totalContractValue"]) delete old[key];
    const frozen = JSON.stringify(old);
    await env.ENTITY_ACME_US.prepare("UPDATE quote_versions SET document = ? WHERE quote_id = ?").bind(frozen, q.id).run();
    const pub = await new ApiClient().get(`/api/v1/public/quotes/${token}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({
      contractLengthMonths: 12,
      startDate: null,
      totalContractValue: "23460.00",
      totals: { total: doc.totals.total, firstInvoice: "6650.00", oneTime: "4500.00" },
      seller: { addressLines: [], taxIds: [] },
    });
    expect(pub.body.lines.map((l: any) => l.title)).toEqual(doc.lines.map((l: any) => l.title));
    const after = await env.ENTITY_ACME_US.prepare("SELECT document FROM quote_versions WHERE quote_id = ?").bind(q.id).first<{ document: string }>();
    expect(after!.document).toBe(frozen);
  });
});
