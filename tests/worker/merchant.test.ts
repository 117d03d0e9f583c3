// GET/PUT /merchant: the seller details every document shows. Happy, error and security paths.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient, expectError, ORIGIN } from "../support/client.ts";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const DE = "/api/v1/entities/acme-de/merchant";
let finance: ApiClient;

const details = (extra: Record<string, unknown> = {}) => ({
  legalName: "Acme GmbH",
  displayName: "Acme Deutschland",
  email: "rechnung@acme.test",
  website: "https://acme.test",
  address: { line1: "Friedrichstraße 68", city: "Berlin", postalCode: "10117", country: "DE" },
  taxRegistrations: [{ country: "DE", taxId: "DE123456789", type: "USt-IdNr." }],
  bankDetails: { bankName: "Berliner Bank", iban: "DE89370400440532013000", bic: "COBADEFFXXX" },
  logo: PNG,
  brandColor: "#0F766E",
  invoicePrefix: "ACME-DE",
  ...extra,
});

const stored = () => env.ENTITY_ACME_DE.prepare("SELECT (SELECT rev FROM merchant) r, (SELECT MAX(seq) FROM events) e").first();

beforeAll(async () => {
  finance = await ApiClient.signIn("finance@acme.test");
});

describe("merchant", () => {
  it("defaults from the entity, is replaced with PUT, and brands the quote PDF", async () => {
    // An entity that never set its details (the demo seed sets them, so remove the row here).
    await env.ENTITY_ACME_UK.prepare("DELETE FROM merchant").run();
    const uk = await finance.get("/api/v1/entities/acme-uk/merchant");
    expect(uk.body).toMatchObject({ legalName: "Acme Ltd", displayName: "Acme Ltd", invoicePrefix: "ACME-UK", rev: 0, logo: null });
    const current = (await finance.get(DE)).body;
    const put = await finance.put(DE, details(), { "if-match": `"${current.rev}"` });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ displayName: "Acme Deutschland", brandColor: "#0F766E", rev: current.rev + 1 });
    expect((await finance.get(DE)).body).toEqual(put.body);
    const events = (await finance.get("/api/v1/entities/acme-de/events?after=0&limit=100")).body.items.filter((e: any) => e.kind === "merchant.updated");
    expect(events.at(-1).data.merchant).toMatchObject({ displayName: "Acme Deutschland", hasLogo: true });
    expect(JSON.stringify(events.at(-1).data)).not.toContain("iVBORw0KGgo"); // the logo stays out of the event stream

    const admin = await ApiClient.signIn("admin@acme.test");
    const quote = (await admin.get("/api/v1/entities/acme-de/quotes?limit=1")).body.items[0];
    const pdf = await SELF.fetch(`${ORIGIN}/api/v1/entities/acme-de/quotes/${quote.id}/pdf`, { headers: { cookie: admin.cookie! } });
    expect(pdf.status).toBe(200);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    const { PDFDocument, PDFName } = await import("pdf-lib");
    const doc = await PDFDocument.load(bytes);
    expect(doc.getAuthor()).toBe("Acme Deutschland");
    const images = doc.context.enumerateIndirectObjects().filter(([, o]: any) => o?.dict?.get?.(PDFName.of("Subtype")) === PDFName.of("Image"));
    expect(images.length).toBeGreaterThan(0);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ["brand colour", { brandColor: "teal" }, "brandColor"],
    ["logo that is not a PNG", { logo: "data:image/png;base64,R0lGODlhAQABAAAAACw=" }, "logo"],
    ["logo that is not a data URL", { logo: "https://cdn.example/logo.png" }, "logo"],
    ["invoice prefix", { invoicePrefix: "acme de" }, "invoicePrefix"],
    ["tax registration country", { taxRegistrations: [{ country: "XX", taxId: "123" }] }, "taxRegistrations.0.country"],
    ["IBAN with spaces", { bankDetails: { iban: "DE89 3704 0044 0532 0130 00" } }, "bankDetails.iban"],
    ["unknown field", { favouriteColour: "blue" }, "favouriteColour"],
    ["missing legal name", { legalName: undefined }, "legalName"],
  ];
  for (const [name, change, path] of bad) {
    it(`refuses a bad ${name} and writes nothing`, async () => {
      const before = await stored();
      const res = await finance.put(DE, details(change));
      expectError(res, 400, "invalid_request");
      expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
      expect(await stored()).toEqual(before);
    });
  }

  it("a stale If-Match is a 409 and writes nothing", async () => {
    const before = await stored();
    expectError(await finance.put(DE, details(), { "if-match": '"999"' }), 409, "rev_conflict");
    expect(await stored()).toEqual(before);
  });

  it("only admin and finance change it; other entities never see it", async () => {
    const sales = await ApiClient.signIn("sales@acme.test");
    expect((await sales.get("/api/v1/entities/acme-us/merchant")).status).toBe(200);
    expectError(await sales.put("/api/v1/entities/acme-us/merchant", details({ invoicePrefix: "HACK" })), 403, "forbidden");
    const approver = await ApiClient.signIn("approver@acme.test");
    expectError(await approver.put("/api/v1/entities/acme-us/merchant", details()), 403, "forbidden");
    const uk = await ApiClient.signIn("uk@acme.test");
    const before = await stored();
    expectError(await uk.get(DE), 404, "entity_not_found");
    expectError(await uk.put(DE, details()), 404, "entity_not_found");
    expect(await stored()).toEqual(before);
    expect((await uk.get("/api/v1/entities/acme-uk/merchant")).body.displayName).not.toBe("Acme Deutschland");
  });
});

describe("merchant on the customer page", () => {
  it("a quote published after the details change shows the merchant's names", async () => {
    const finance = await ApiClient.signIn("finance@acme.test");
    const current = (await finance.get("/api/v1/entities/acme-us/merchant")).body;
    await finance.put("/api/v1/entities/acme-us/merchant", { legalName: "Acme Incorporated", displayName: "Acme US", invoicePrefix: "ACME-US" }, { "if-match": `"${current.rev}"` });
    const admin = await ApiClient.signIn("admin@acme.test");
    const draft = (await admin.get("/api/v1/entities/acme-us/quotes?status=DRAFT&limit=1")).body.items[0];
    const published = await admin.post(`/api/v1/entities/acme-us/quotes/${draft.id}/publish`);
    const view = await new ApiClient().get(`/api/v1/public/quotes/${new URL(published.body.publicUrl).pathname.slice(3)}`);
    expect(view.body.seller).toMatchObject({ name: "Acme US", legalName: "Acme Incorporated" });
  });
});
