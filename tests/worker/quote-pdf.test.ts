// The quote PDF a customer receives (GET /quotes/{id}/pdf): the quote's title, the seller's address
// and tax ids, no internal status, the honest totals, the paper of the seller's country, headings that
// extract as words, and the document's title and language. Read back by extracting the text.
import { SELF } from "cloudflare:test";
import { PDFDocument, PDFName } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ORIGIN, unique } from "../support/client.ts";
import { contentOf, runsOf } from "../support/pdf-text.ts";

const US = "/api/v1/entities/acme-us";
let admin: ApiClient;
let customerId: string;
let quarterlyPriceId: string;

async function pdfOf(path: string) {
  const res = await SELF.fetch(`${ORIGIN}${path}/pdf`, { headers: { cookie: admin.cookie! } });
  expect(res.status).toBe(200);
  const pdf = await PDFDocument.load(new Uint8Array(await res.arrayBuffer()), { updateMetadata: false });
  const pages = pdf.getPages();
  return { pdf, pages, runs: pages.flatMap(runsOf), content: pages.map(contentOf).join("\n") };
}

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  customerId = (
    await admin.post(`${US}/customers`, {
      legalName: unique("Globex"),
      email: "ap@globex.test",
      country: "US",
      address: { line1: "1 Globex Way", city: "Springfield", region: "OR", postalCode: "97477", country: "US" },
    })
  ).body.id;
  const product = await admin.post(`${US}/products`, { name: "Premium support" });
  quarterlyPriceId = (
    await admin.post(`${US}/prices`, { productId: product.body.id, name: "Support — quarterly", currency: "USD", billingFrequency: "QUARTERLY", billingType: "IN_ADVANCE", structure: { pricingType: "FIXED", price: "900.00" } })
  ).body.id;
  const merchant = await admin.get(`${US}/merchant`);
  const put = await admin.put(
    `${US}/merchant`,
    {
      legalName: "Acme Inc",
      displayName: "Acme",
      address: { line1: "1301 2nd Ave", line2: "Suite 400", city: "Seattle", region: "WA", postalCode: "98101", country: "US" },
      taxRegistrations: [{ country: "US", taxId: "12-3456789", type: "EIN" }],
      invoicePrefix: "ACME-US",
    },
    { "if-match": `"${merchant.body.rev}"` },
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});

const lines = () => [
  { priceId: "price_us_platform_monthly", quantity: "1" },
  { priceId: "price_us_api_graduated", quantity: "25000" },
  { priceId: quarterlyPriceId, quantity: "1" },
  { priceId: "price_us_onboarding_once", quantity: "1", discount: { type: "NOMINAL", value: "500.00" } },
  { priceId: "price_us_seats_monthly", quantity: "5" },
];

describe("the quote PDF", () => {
  it("a published quote: its title, the seller's address in US order and tax id, the honest totals, no status badge", async () => {
    const title = unique("Platform rollout");
    const q = (await admin.post(`${US}/quotes`, { customerId, title, currency: "USD", startDate: "2027-03-01", contractLengthMonths: 24, lines: lines() })).body;
    expect((await admin.post(`${US}/quotes/${q.id}/publish`)).status).toBe(200);
    const { pdf, runs, content } = await pdfOf(`${US}/quotes/${q.id}`);
    const text = runs.join("\n");
    const flowing = runs.join(" "); // wrapped cells read as one text

    expect(pdf.getTitle()).toBe(`Quote ${q.quoteNumber}: ${title}`);
    expect(pdf.catalog.get(PDFName.of("Lang"))?.toString()).toBe("(en)");
    expect(runs).toContain(title);
    // The seller, as an envelope to Seattle reads.
    for (const line of ["Acme Inc", "1301 2nd Ave", "Suite 400", "Seattle, WA 98101", "United States", "EIN 12-3456789"]) expect(runs).toContain(line);
    expect(runs).toContain("Springfield, OR 97477");
    expect(text).not.toContain("98101 Seattle");
    // A customer's copy shows no internal state.
    expect(text).not.toMatch(/PUBLISHED|Published/);
    // Line titles are the products; the price's model and period are the detail; unit prices where they exist.
    expect(runs).toContain("Onboarding");
    expect(text).not.toContain("Onboarding — Onboarding");
    for (const expected of ["UNIT PRICE", "5,000.00", "15.00", "per seat", "Tiered · billed monthly in arrears", "One-time fee"]) expect(flowing).toContain(expected);
    // The honest totals, and a real minus sign (U+2212) on the discount.
    for (const expected of [
      "Recurring, monthly", "USD 1,355.00 / month", "Recurring, quarterly", "USD 900.00 / quarter", "One-time", "USD 4,500.00",
      "First invoice", "USD 6,725.00", "Total contract value", "USD 44,220.00", "over 24 months starting 1 Mar 2027",
      "USD 44,220.00", "total contract value, over 24 months starting 1 Mar 2027",
    ]) expect(runs, expected).toContain(expected);
    expect(runs).toContain("\u2212500.00");
    // Headings extract as words: nothing sets a character spacing.
    expect(content).not.toMatch(/(^|\s)-?\d*\.?\d*[1-9]\d*\s+Tc\b/m);
    expect(runs).toContain("PREPARED FOR");
  });

  it("a draft preview says Draft; US entities print on Letter, others on A4", async () => {
    const q = (await admin.post(`${US}/quotes`, { customerId, title: unique("Draft preview"), currency: "USD", lines: lines() })).body;
    const { pages, runs } = await pdfOf(`${US}/quotes/${q.id}`);
    expect(runs).toContain("DRAFT");
    expect(runs).toContain("over 12 months from acceptance");
    expect([pages[0].getWidth(), pages[0].getHeight()]).toEqual([612, 792]);

    const de = (await admin.get("/api/v1/entities/acme-de/quotes?limit=1")).body.items[0];
    const german = await pdfOf(`/api/v1/entities/acme-de/quotes/${de.id}`);
    expect([Math.round(german.pages[0].getWidth()), Math.round(german.pages[0].getHeight())]).toEqual([595, 842]);
  });
});
