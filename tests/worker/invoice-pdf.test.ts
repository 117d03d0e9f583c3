// The invoice and credit-note PDFs: a final invoice's PDF is rendered once at finalize from its
// snapshot, stored in R2 and served unchanged (its SHA-256 recorded); a draft's is drawn on the fly,
// marked DRAFT. Read back by extracting the text.
import { env, SELF } from "cloudflare:test";
import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Of } from "../../worker/actions/documents.ts";
import { ApiClient, ORIGIN, unique } from "../support/client.ts";
import { finalizeWithPdf, untilPdf } from "../support/documents.ts";
import { runsOf } from "../support/pdf-text.ts";

const DE = "/api/v1/entities/acme-de";
let admin: ApiClient;
let vat19: any;
let reverseCharged: any;
let merchantRev: number;

const MERCHANT = {
  legalName: "Acme GmbH",
  displayName: "Acme",
  address: { line1: "Friedrichstraße 100", city: "Berlin", postalCode: "10117", country: "DE" },
  taxRegistrations: [{ country: "DE", taxId: "DE811111111", type: "USt-IdNr." }],
  invoicePrefix: "ACME-DE",
};

async function bytesOf(path: string) {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { headers: { cookie: admin.cookie! } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  return new Uint8Array(await res.arrayBuffer());
}

async function textOf(bytes: Uint8Array) {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const runs = pdf.getPages().flatMap(runsOf);
  return { pdf, runs, flowing: runs.join(" ") };
}

async function putMerchant(patch: Record<string, unknown>) {
  const res = await admin.put(`${DE}/merchant`, { ...MERCHANT, ...patch }, { "if-match": `"${merchantRev}"` });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  merchantRev = res.body.rev;
}

beforeAll(async () => {
  admin = await ApiClient.signIn("admin@acme.test");
  merchantRev = (await admin.get(`${DE}/merchant`)).body.rev;
  await putMerchant({});
  vat19 = (await admin.post(`${DE}/tax-rates`, { name: "USt 19%", percentage: "19", country: "DE" })).body;
  reverseCharged = (
    await admin.post(`${DE}/customers`, {
      legalName: unique("Tyrell France SAS"),
      email: "compta@tyrell.test",
      country: "FR",
      taxStatus: "REVERSE_CHARGED",
      taxId: "FR12345678901",
      address: { line1: "12 Rue de Rivoli", city: "Paris", postalCode: "75001", country: "FR" },
    })
  ).body;
});

describe("the invoice PDF", () => {
  it("a final invoice: its number, seller, buyer, tax summary and reverse-charge statement; the stored bytes match the recorded SHA-256", async () => {
    const inv = (await admin.post(`${DE}/invoices`, { customerId: reverseCharged.id, currency: "EUR", lines: [{ title: "Platform licence", quantity: "2", rate: "1250", taxRateId: vat19.id }] })).body;
    const fin = (await finalizeWithPdf(admin, `${DE}/invoices/${inv.id}`)).body;
    expect(fin.invoiceNumber).toMatch(/^ACME-DE-\d{6}$/);
    const bytes = await bytesOf(`${DE}/invoices/${inv.id}/pdf`);
    expect(await sha256Of(bytes)).toBe(fin.pdfSha256);
    const object = await env.DOCUMENTS.get(`ent_acme_de/invoices/${fin.pdfSha256}.pdf`);
    expect(object).not.toBeNull();

    const { pdf, runs, flowing } = await textOf(bytes);
    expect(pdf.getTitle()).toBe(`Invoice ${fin.invoiceNumber}`);
    expect(runs).toContain(fin.invoiceNumber);
    for (const line of ["Acme GmbH", "Friedrichstraße 100", "10117 Berlin", "USt-IdNr. DE811111111"]) expect(runs).toContain(line);
    expect(flowing).toContain(reverseCharged.legalName); // a long unique name may wrap onto two runs
    expect(runs).toContain("12 Rue de Rivoli");
    expect(flowing).toContain("Tax ID: FR12345678901");
    expect(flowing).toContain("TAX SUMMARY");
    expect(flowing).toContain("USt 19% (reverse charge) (0%): EUR 0.00 on EUR 2,500.00");
    expect(flowing).toContain("Reverse charge");
    expect(flowing).toContain("FR12345678901");
    expect(flowing).toContain("2,500.00");
    expect(flowing).not.toContain("DRAFT");
  });

  it("the final PDF does not change when the merchant's address changes later", async () => {
    const taxed = (await admin.post(`${DE}/customers`, { legalName: unique("Müller KG"), email: "m@mueller.test", country: "DE" })).body;
    const inv = (await admin.post(`${DE}/invoices`, { customerId: taxed.id, currency: "EUR", lines: [{ title: "Beratung", quantity: "1", rate: "100", taxRateId: vat19.id }] })).body;
    const fin = (await finalizeWithPdf(admin, `${DE}/invoices/${inv.id}`)).body;
    const first = await bytesOf(`${DE}/invoices/${inv.id}/pdf`);
    await putMerchant({ address: { line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", country: "DE" } });
    try {
      const again = await bytesOf(`${DE}/invoices/${inv.id}/pdf`);
      expect(await sha256Of(again)).toBe(await sha256Of(first));
      expect(await sha256Of(again)).toBe(fin.pdfSha256);
      expect((await textOf(again)).runs).toContain("Friedrichstraße 100");
      expect((await admin.get(`${DE}/invoices/${inv.id}`)).body.merchant.addressLines).toContain("Friedrichstraße 100");
      // The tax summary of a taxed buyer, in the stored PDF.
      expect((await textOf(again)).flowing).toContain("USt 19% (19%): EUR 19.00 on EUR 100.00");
      // A draft is drawn now, from today's details, marked DRAFT.
      const draft = (await admin.post(`${DE}/invoices`, { customerId: taxed.id, currency: "EUR", lines: [{ title: "Beratung", quantity: "1", rate: "100" }] })).body;
      const drawn = await textOf(await bytesOf(`${DE}/invoices/${draft.id}/pdf`));
      expect(drawn.runs).toContain("DRAFT");
      expect(drawn.runs).toContain("Unter den Linden 1");
    } finally {
      await putMerchant({});
    }
  });

  it("a line's service period reads as the days it covers: [start, end) ends on the day before end", async () => {
    const taxed = (await admin.post(`${DE}/customers`, { legalName: unique("Zeitraum KG"), email: "z@zeitraum.test", country: "DE" })).body;
    const january = { start: "2027-01-01", end: "2027-02-01" };
    const oneDay = { start: "2027-03-15", end: "2027-03-16" };
    const lines = [
      { title: "Plattform", quantity: "1", rate: "100", servicePeriod: january },
      { title: "Workshop", quantity: "1", rate: "50", servicePeriod: oneDay },
    ];
    const draft = (await admin.post(`${DE}/invoices`, { customerId: taxed.id, currency: "EUR", lines })).body;
    const { flowing } = await textOf(await bytesOf(`${DE}/invoices/${draft.id}/pdf`));
    expect(flowing).toContain("Service period 1 Jan 2027 – 31 Jan 2027");
    expect(flowing).toContain("Service period 15 Mar 2027");
    expect(flowing).not.toContain("1 Feb 2027");
  });

  it("a final credit note's PDF: its number, the invoice it credits, the amounts", async () => {
    const inv = (await admin.post(`${DE}/invoices`, { customerId: reverseCharged.id, currency: "EUR", lines: [{ title: "Platform licence", quantity: "2", rate: "1250", taxRateId: vat19.id }] })).body;
    const fin = (await finalizeWithPdf(admin, `${DE}/invoices/${inv.id}`)).body;
    const note = (await admin.post(`${DE}/credit-notes`, { invoiceId: inv.id, lines: [{ invoiceLineId: fin.lines[0].id, quantity: "1" }] })).body;
    const final = (await finalizeWithPdf(admin, `${DE}/credit-notes/${note.id}`)).body;
    const bytes = await bytesOf(`${DE}/credit-notes/${note.id}/pdf`);
    expect(await sha256Of(bytes)).toBe(final.pdfSha256);
    const { pdf, runs, flowing } = await textOf(bytes);
    expect(pdf.getTitle()).toBe(`Credit note ${final.creditNoteNumber}`);
    expect(runs).toContain(final.creditNoteNumber);
    expect(flowing).toContain(`Credits invoice ${fin.invoiceNumber}`);
    expect(flowing).toContain("1,250.00");
    expect(flowing).toContain(reverseCharged.legalName); // a long unique name may wrap onto two runs
  });
});
