// The fake's Accounting API: Xero's validation per object, documents, allocations, payments, filters,
// Idempotency-Key, and every request judged against xero_accounting.yaml.
import { beforeEach, describe, expect, it } from "vitest";
import { createXeroFake, DEFAULT_TENANTS, type XeroFake } from "./xero/index.ts";
import { api, connect } from "./xero/testing.ts";

const UK = DEFAULT_TENANTS[0]!.id;
let fake: XeroFake;
let token: string;
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => api(fake, token, UK, method, path, body, headers);

async function customer(name = "Globex Ltd") {
  const res = await call("PUT", "/Contacts", { Contacts: [{ Name: name, EmailAddress: "ap@globex.test", ContactNumber: `cus-${name}` }] });
  expect(res.status).toBe(200);
  return res.body.Contacts[0].ContactID as string;
}

const invoice = (contactId: string, extra: Record<string, unknown> = {}) => ({
  Type: "ACCREC",
  Contact: { ContactID: contactId },
  InvoiceNumber: `ACME-${Math.random().toString(36).slice(2, 8)}`,
  Date: "2026-06-01",
  DueDate: "2026-07-01",
  Status: "AUTHORISED",
  LineAmountTypes: "Exclusive",
  LineItems: [{ Description: "Platform", Quantity: 2, UnitAmount: 100.05, AccountCode: "200", TaxType: "OUTPUT2" }],
  ...extra,
});

beforeEach(async () => {
  fake = createXeroFake();
  token = (await connect(fake, UK)).access_token;
});

describe("Xero fake: Accounting API", () => {
  it("serves the demo company's accounts, tax rates and items, filtered by where", async () => {
    const accounts = await call("GET", "/Accounts?where=" + encodeURIComponent('Type=="REVENUE" AND Status=="ACTIVE"'));
    expect(accounts.status).toBe(200);
    expect(accounts.body.Accounts.map((a: { Code: string }) => a.Code)).toEqual(["200", "210", "220", "260"]);
    const rates = await call("GET", "/TaxRates");
    expect(rates.body.TaxRates.find((t: { TaxType: string }) => t.TaxType === "OUTPUT2")).toMatchObject({ Name: "20% (VAT on Income)", EffectiveRate: 20 });
    const items = await call("GET", "/Items");
    expect(items.body.Items.map((i: { Code: string }) => i.Code)).toContain("PLATFORM");
  });

  it("refuses a request that does not match Xero's spec with a 400 in Xero's shape, and records it as invalid", async () => {
    const res = await call("PUT", "/Contacts", { Contacts: [{ Name: "X", EmailAddress: 5 }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ErrorNumber: 14, Type: "PostDataInvalidException" });
    const last = fake.state.requests.at(-1)!;
    expect(last).toMatchObject({ method: "PUT", path: "/api.xro/2.0/Contacts", status: 400, valid: false });
    expect(last.errors.join(" ")).toContain("EmailAddress");
    expect(fake.state.tenants.get(UK)!.contacts.size).toBe(0);
    // A missing tenant header is invalid too.
    const bare = await fake.fetch(new Request("http://xero.test/api.xro/2.0/Accounts", { headers: { authorization: `Bearer ${token}` } }));
    expect(bare.status).toBe(403);
    expect(fake.state.requests.at(-1)!.valid).toBe(false);
  });

  it("keeps contact names unique among active contacts, per object with summarizeErrors=false", async () => {
    await customer("Initech");
    const res = await call("PUT", "/Contacts?summarizeErrors=false", { Contacts: [{ Name: "initech" }, { Name: "Hooli" }] });
    expect(res.status).toBe(200);
    expect(res.body.Contacts[0]).toMatchObject({ HasErrors: true, StatusAttributeString: "ERROR" });
    expect(res.body.Contacts[0].ValidationErrors[0].Message).toContain("must be unique across all active contacts");
    expect(res.body.Contacts[1]).toMatchObject({ Name: "Hooli", StatusAttributeString: "OK" });
    // Without summarizeErrors=false the batch is refused whole.
    const whole = await call("PUT", "/Contacts", { Contacts: [{ Name: "Initech" }, { Name: "Pied Piper" }] });
    expect(whole.status).toBe(400);
    expect(whole.body).toMatchObject({ ErrorNumber: 10, Type: "ValidationException" });
    expect(whole.body.Elements).toHaveLength(2);
    expect(fake.state.tenants.get(UK)!.contacts.size).toBe(2);
  });

  it("creates invoices with Xero's totals and refuses bad accounts, tax types and duplicate numbers per object", async () => {
    const contact = await customer();
    const good = invoice(contact);
    const res = await call("PUT", "/Invoices?summarizeErrors=false", {
      Invoices: [
        good,
        invoice(contact, { InvoiceNumber: good.InvoiceNumber }),
        invoice(contact, { LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 10, AccountCode: "999" }] }),
        invoice(contact, { LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 10, AccountCode: "200", TaxType: "INPUT2" }] }),
        invoice(contact, { LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 10, AccountCode: "250" }] }),
      ],
    });
    expect(res.status).toBe(200);
    const [ok, dup, account, tax, archived] = res.body.Invoices;
    expect(ok).toMatchObject({ StatusAttributeString: "OK", SubTotal: 200.1, TotalTax: 40.02, Total: 240.12, AmountDue: 240.12, Status: "AUTHORISED" });
    expect(ok.InvoiceID).toMatch(/^[0-9a-f-]{36}$/);
    expect(dup.ValidationErrors[0].Message).toBe("Invoice # must be unique.");
    expect(account.ValidationErrors[0].Message).toContain("Account code '999' is not a valid code");
    expect(tax.ValidationErrors[0].Message).toContain("TaxType code 'INPUT2'");
    expect(archived.ValidationErrors[0].Message).toContain("archived");
    expect(fake.state.tenants.get(UK)!.invoices.size).toBe(1);
    // Found again by its number.
    const found = await call("GET", `/Invoices?InvoiceNumbers=${good.InvoiceNumber}`);
    expect(found.body.Invoices).toHaveLength(1);
  });

  it("lists active tracking categories, and takes a line's tracking only as an active category's active option", async () => {
    const listed = await call("GET", "/TrackingCategories");
    expect(listed.body.TrackingCategories.map((t: { Name: string }) => t.Name)).toEqual(["Region", "Department"]);
    const all = await call("GET", "/TrackingCategories?includeArchived=true");
    expect(all.body.TrackingCategories.map((t: { Name: string }) => t.Name)).toContain("Old Projects");
    const region = listed.body.TrackingCategories[0];
    const uk = region.Options.find((o: { Name: string }) => o.Name === "UK");
    const contact = await customer();
    const line = (Tracking: unknown) => ({ LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 10, AccountCode: "200", TaxType: "OUTPUT2", Tracking }] });
    const res = await call("PUT", "/Invoices?summarizeErrors=false", {
      Invoices: [
        invoice(contact, line([{ Name: "Region", Option: "UK" }])),
        invoice(contact, line([{ TrackingCategoryID: region.TrackingCategoryID, TrackingOptionID: uk.TrackingOptionID }])),
        invoice(contact, line([{ Name: "Region", Option: "Legacy" }])),
        invoice(contact, line([{ Name: "Old Projects", Option: "Apollo" }])),
        invoice(contact, line([{ Name: "Region", Option: "UK" }, { Name: "Department", Option: "Sales" }, { Name: "Region", Option: "Europe" }])),
      ],
    });
    expect(res.status).toBe(200);
    const [byName, byId, archivedOption, archivedCategory, tooMany] = res.body.Invoices;
    expect(byName.StatusAttributeString).toBe("OK");
    expect(byId.StatusAttributeString).toBe("OK");
    expect(archivedOption.ValidationErrors[0].Message).toContain("Tracking option 'Legacy' of 'Region'");
    expect(archivedCategory.ValidationErrors[0].Message).toContain("Tracking category 'Old Projects'");
    expect(tooMany.ValidationErrors[0].Message).toContain("at most two tracking categories");
    expect(fake.state.tenants.get(UK)!.invoices.size).toBe(2);
  });

  it("records payments against what is due: the invoice is PAID at zero, and overpaying is refused", async () => {
    const contact = await customer();
    const created = await call("PUT", "/Invoices", { Invoices: [invoice(contact)] });
    const id = created.body.Invoices[0].InvoiceID;
    const over = await call("PUT", "/Payments?summarizeErrors=false", { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: "090" }, Date: "2026-06-05", Amount: 1000 }] });
    expect(over.body.Payments[0].ValidationErrors[0].Message).toContain("exceeds the amount outstanding");
    const notBank = await call("PUT", "/Payments?summarizeErrors=false", { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: "200" }, Date: "2026-06-05", Amount: 10 }] });
    expect(notBank.body.Payments[0].ValidationErrors[0].Message).toContain("Account type is invalid");
    const part = await call("PUT", "/Payments", { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: "090" }, Date: "2026-06-05", Amount: 40.12 }] });
    expect(part.status).toBe(200);
    expect((await call("GET", `/Invoices/${id}`)).body.Invoices[0]).toMatchObject({ Status: "AUTHORISED", AmountPaid: 40.12, AmountDue: 200 });
    await call("PUT", "/Payments", { Payments: [{ Invoice: { InvoiceID: id }, Account: { Code: "090" }, Date: "2026-06-06", Amount: 200 }] });
    expect((await call("GET", `/Invoices/${id}`)).body.Invoices[0]).toMatchObject({ Status: "PAID", AmountDue: 0 });
    // A paid invoice cannot be voided; deleting its payment makes it due again.
    const paymentId = part.body.Payments[0].PaymentID;
    const del = await call("POST", `/Payments/${paymentId}`, { Status: "DELETED" });
    expect(del.status).toBe(200);
    expect((await call("GET", `/Invoices/${id}`)).body.Invoices[0]).toMatchObject({ Status: "AUTHORISED", AmountDue: 40.12 });
  });

  it("allocates an authorised credit note to its invoice, never beyond what is due or left", async () => {
    const contact = await customer();
    const inv = (await call("PUT", "/Invoices", { Invoices: [invoice(contact)] })).body.Invoices[0];
    const note = await call("PUT", "/CreditNotes", { CreditNotes: [{ Type: "ACCRECCREDIT", Contact: { ContactID: contact }, CreditNoteNumber: "CN-ACME-1", Date: "2026-06-02", Status: "AUTHORISED", LineItems: [{ Description: "Refund", Quantity: 1, UnitAmount: 50, AccountCode: "200", TaxType: "OUTPUT2" }] }] });
    expect(note.body.CreditNotes[0]).toMatchObject({ Total: 60, RemainingCredit: 60 });
    const cn = note.body.CreditNotes[0].CreditNoteID;
    const tooMuch = await call("PUT", `/CreditNotes/${cn}/Allocations?summarizeErrors=false`, { Allocations: [{ Amount: 61, Date: "2026-06-03", Invoice: { InvoiceID: inv.InvoiceID } }] });
    expect(tooMuch.body.Allocations[0].ValidationErrors[0].Message).toContain("exceeds the credit remaining");
    const ok = await call("PUT", `/CreditNotes/${cn}/Allocations`, { Allocations: [{ Amount: 60, Date: "2026-06-03", Invoice: { InvoiceID: inv.InvoiceID } }] });
    expect(ok.status).toBe(200);
    expect((await call("GET", `/Invoices/${inv.InvoiceID}`)).body.Invoices[0]).toMatchObject({ AmountCredited: 60, AmountDue: 180.12 });
    expect((await call("GET", `/CreditNotes/${cn}`)).body.CreditNotes[0]).toMatchObject({ RemainingCredit: 0 });
  });

  it("voids an authorised invoice by update, and a voided one cannot change", async () => {
    const contact = await customer();
    const inv = (await call("PUT", "/Invoices", { Invoices: [invoice(contact)] })).body.Invoices[0];
    const voided = await call("POST", `/Invoices/${inv.InvoiceID}`, { Invoices: [{ Status: "VOIDED" }] });
    expect(voided.body.Invoices[0].Status).toBe("VOIDED");
    const again = await call("POST", `/Invoices/${inv.InvoiceID}`, { Invoices: [{ Reference: "x" }] });
    expect(again.status).toBe(400);
    expect(again.body.Elements[0].ValidationErrors[0].Message).toContain("status of VOIDED");
    // summarizeErrors is not a parameter of this operation in Xero's spec: the fake refuses it as Xero's contract does.
    const stray = await call("POST", `/Invoices/${inv.InvoiceID}?summarizeErrors=false`, { Invoices: [{ Reference: "x" }] });
    expect(stray.body.Type).toBe("PostDataInvalidException");
  });

  it("answers If-Modified-Since with what changed after it", async () => {
    let t = Date.parse("2026-06-01T09:00:00Z");
    fake = createXeroFake({ now: () => t });
    token = (await connect(fake, UK)).access_token;
    const contact = await customer();
    const first = (await call("PUT", "/Invoices", { Invoices: [invoice(contact)] })).body.Invoices[0];
    t += 60_000;
    const since = new Date(t).toISOString();
    t += 60_000;
    await call("PUT", "/Payments", { Payments: [{ Invoice: { InvoiceID: first.InvoiceID }, Account: { Code: "090" }, Date: "2026-06-05", Amount: 10 }] });
    const changed = await call("GET", "/Invoices", undefined, { "If-Modified-Since": since });
    expect(changed.body.Invoices.map((i: { InvoiceID: string }) => i.InvoiceID)).toEqual([first.InvoiceID]);
    const payments = await call("GET", "/Payments", undefined, { "If-Modified-Since": since });
    expect(payments.body.Payments).toHaveLength(1);
    const none = await call("GET", "/Contacts", undefined, { "If-Modified-Since": since });
    expect(none.body.Contacts).toHaveLength(0);
  });

  it("honours Idempotency-Key: the same request replays, a different one with the key is refused", async () => {
    const contact = await customer();
    const body = { Invoices: [invoice(contact)] };
    const first = await call("PUT", "/Invoices", body, { "Idempotency-Key": "kontor:acme:inv_1:v1:create" });
    const replay = await call("PUT", "/Invoices", body, { "Idempotency-Key": "kontor:acme:inv_1:v1:create" });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(fake.state.tenants.get(UK)!.invoices.size).toBe(1);
    const other = await call("PUT", "/Invoices", { Invoices: [invoice(contact)] }, { "Idempotency-Key": "kontor:acme:inv_1:v1:create" });
    expect(other.status).toBe(400);
    expect(fake.state.tenants.get(UK)!.invoices.size).toBe(1);
  });

  it("creates a contact named only by Name on a document (as Xero does), and finds an existing one by name", async () => {
    await customer("Umbrella Corp");
    const res = await call("PUT", "/Invoices", { Invoices: [invoice("", { Contact: { Name: "Umbrella Corp" } }), invoice("", { Contact: { Name: "Soylent" } })] });
    expect(res.status).toBe(200);
    expect(fake.state.tenants.get(UK)!.contacts.size).toBe(2);
  });

  it("refuses a token without the scope an operation needs", async () => {
    const readOnly = await connectWithScope("openid offline_access accounting.settings.read");
    const res = await api(fake, readOnly, UK, "PUT", "/Contacts", { Contacts: [{ Name: "Nope" }] });
    expect(res.status).toBe(403);
    expect((await api(fake, readOnly, UK, "GET", "/Accounts")).status).toBe(200);
  });
});

async function connectWithScope(scope: string): Promise<string> {
  const { authorizeUrl, pkce, tokenRequest, REDIRECT_URI } = await import("./xero/testing.ts");
  const { verifier, challenge } = pkce();
  const consent = await fake.fetch(new Request(authorizeUrl({ challenge, scope, tenant: UK })));
  const code = new URL(consent.headers.get("location")!).searchParams.get("code")!;
  const res = await fake.fetch(tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier }));
  return ((await res.json()) as { access_token: string }).access_token;
}
