// Invoices and credit notes: Xero's rules for line items (accounts, tax types, items), numbers, statuses
// and totals; amounts paid, credited and due are derived from payments and allocations when rendered.
import { randomUUID } from "node:crypto";
import { contactRef, resolveContact } from "./contacts.ts";
import { dateFields, dec, num, parseDate, publicView, Refused, sum, taxRateOf, today, type Ledger } from "./ledger.ts";
import { msDate, type Doc } from "./state.ts";

export type DocKind = "invoice" | "creditNote";

const KIND = {
  invoice: { id: "InvoiceID", number: "InvoiceNumber", prefix: "INV-", types: ["ACCREC", "ACCPAY"], map: "invoices" },
  creditNote: { id: "CreditNoteID", number: "CreditNoteNumber", prefix: "CN-", types: ["ACCRECCREDIT", "ACCPAYCREDIT"], map: "creditNotes" },
} as const;

const CREATE_STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED"];
const FINAL = ["VOIDED", "DELETED"];

const mapOf = (ledger: Ledger, kind: DocKind) => ledger[KIND[kind].map];
const isSales = (doc: Doc) => doc.Type === "ACCREC" || doc.Type === "ACCRECCREDIT";

/** Amounts settled against a document: live payments, and credit allocated to (invoice) or from (credit note) it. */
export function settled(ledger: Ledger, kind: DocKind, id: string) {
  const paid = sum([...ledger.payments.values()].filter((p) => p.Status !== "DELETED" && (p._documentId as string) === id).map((p) => dec(p.Amount)));
  const allocated = sum([...ledger.allocations.values()].filter((a) => (kind === "invoice" ? a._invoiceId : a._creditNoteId) === id).map((a) => dec(a.Amount)));
  return { paid, allocated };
}

export function outstanding(ledger: Ledger, kind: DocKind, doc: Doc) {
  const { paid, allocated } = settled(ledger, kind, doc[KIND[kind].id] as string);
  return dec(doc.Total).minus(paid).minus(allocated);
}

/** The document as Xero's API shows it, with derived amounts and status. */
export function renderDocument(ledger: Ledger, kind: DocKind, doc: Doc): Doc {
  const k = KIND[kind];
  const id = doc[k.id] as string;
  const { paid, allocated } = settled(ledger, kind, id);
  const due = dec(doc.Total).minus(paid).minus(allocated);
  const paidOff = doc.Status === "AUTHORISED" && due.eq("0") && dec(doc.Total).gt("0");
  const contact = ledger.contacts.get(doc._contactId as string);
  const payments = [...ledger.payments.values()]
    .filter((p) => p._documentId === id && p.Status !== "DELETED")
    .map((p) => ({ PaymentID: p.PaymentID, Date: p.Date, Amount: p.Amount, Reference: p.Reference ?? "" }));
  const base = { ...publicView(doc), Contact: contact ? contactRef(contact) : doc.Contact, Status: paidOff ? "PAID" : doc.Status, Payments: payments };
  if (kind === "invoice") {
    const credits = [...ledger.allocations.values()].filter((a) => a._invoiceId === id).map((a) => ({ CreditNoteID: a._creditNoteId, CreditNoteNumber: ledger.creditNotes.get(a._creditNoteId as string)?.CreditNoteNumber, AppliedAmount: a.Amount }));
    return { ...base, AmountDue: num(due), AmountPaid: num(paid), AmountCredited: num(allocated), CreditNotes: credits, HasErrors: false };
  }
  const allocations = [...ledger.allocations.values()].filter((a) => a._creditNoteId === id).map((a) => ({ AllocationID: a.AllocationID, Amount: a.Amount, Date: a.Date, Invoice: { InvoiceID: a._invoiceId, InvoiceNumber: ledger.invoices.get(a._invoiceId as string)?.InvoiceNumber } }));
  return { ...base, RemainingCredit: num(due), AppliedAmount: num(allocated), Allocations: allocations, HasErrors: false };
}

function lines(ledger: Ledger, input: Doc, status: string, lineAmountTypes: string, sales: boolean) {
  const tenant = ledger.tenant;
  const errors: string[] = [];
  const raw = Array.isArray(input.LineItems) ? (input.LineItems as Doc[]) : [];
  if (status !== "DRAFT" && raw.length === 0) errors.push("At least one line item is required for a document that is not a draft");
  const out = raw.map((line, i) => {
    const n = `Line ${i + 1}`;
    const item = typeof line.ItemCode === "string" ? tenant.items.find((it) => it.Code === line.ItemCode) : undefined;
    if (typeof line.ItemCode === "string" && !item) errors.push(`Item code '${line.ItemCode}' is not valid`);
    const accountCode = (line.AccountCode as string | undefined) ?? item?.SalesDetails.AccountCode;
    const account = accountCode ? tenant.accounts.find((a) => a.Code === accountCode) : undefined;
    if (!accountCode && status !== "DRAFT") errors.push(`${n}: Account code must be specified`);
    else if (accountCode && !account) errors.push(`Account code '${accountCode}' is not a valid code for this document.`);
    else if (account?.Status === "ARCHIVED") errors.push(`The account '${account.Code}' (${account.Name}) is archived and cannot be used`);
    else if (account?.Type === "BANK") errors.push(`${n}: A bank account (${account.Code}) cannot be used on a line item`);
    const taxType = (line.TaxType as string | undefined) ?? item?.SalesDetails.TaxType ?? account?.TaxType ?? "NONE";
    const rate = lineAmountTypes === "NoTax" ? undefined : taxRateOf(tenant, taxType);
    if (lineAmountTypes !== "NoTax" && (!rate || (sales ? !rate.CanApplyToRevenue : !rate.CanApplyToExpenses))) {
      errors.push(`The TaxType code '${taxType}' does not exist or cannot be used with this type of transaction.`);
    }
    if (!line.Description && !item) errors.push(`${n}: Description is required`);
    errors.push(...trackingErrors(tenant, line.Tracking, n));
    let quantity, unit, discount;
    try {
      quantity = dec(line.Quantity, "1");
      unit = dec(line.UnitAmount ?? item?.SalesDetails.UnitPrice, "0");
      discount = dec(line.DiscountRate, "0");
    } catch (e) {
      errors.push(`${n}: ${(e as Error).message}`);
      quantity = unit = discount = dec(0);
    }
    const gross = quantity.times(unit).times(dec(100).minus(discount)).div("100").round(2);
    const percent = dec(rate?.EffectiveRate ?? 0);
    const tax = lineAmountTypes === "Inclusive" ? gross.minus(gross.times("100").div(percent.plus("100"))).round(2) : lineAmountTypes === "NoTax" ? dec(0) : gross.times(percent).div("100").round(2);
    return {
      LineItemID: (line.LineItemID as string | undefined) ?? randomUUID(),
      Description: (line.Description as string | undefined) ?? item?.Description ?? "",
      Quantity: num(quantity, 4),
      UnitAmount: num(unit, 4),
      ...(item ? { ItemCode: item.Code } : {}),
      ...(accountCode ? { AccountCode: accountCode } : {}),
      TaxType: lineAmountTypes === "NoTax" ? "NONE" : taxType,
      TaxAmount: num(tax),
      LineAmount: num(gross),
      ...(line.DiscountRate !== undefined ? { DiscountRate: num(discount) } : {}),
      ...(Array.isArray(line.Tracking) ? { Tracking: line.Tracking } : {}),
      _net: lineAmountTypes === "Inclusive" ? gross.minus(tax) : gross,
      _tax: tax,
    };
  });
  return { errors, lines: out };
}

/** Xero takes up to two tracking categories a line, each an active category with an active option (by id or by name). */
function trackingErrors(tenant: Ledger["tenant"], tracking: unknown, n: string): string[] {
  if (tracking === undefined) return [];
  if (!Array.isArray(tracking)) return [`${n}: Tracking must be a list`];
  if (tracking.length > 2) return [`${n}: A line item can have at most two tracking categories`];
  const errors: string[] = [];
  for (const t of tracking as Doc[]) {
    const category = tenant.trackingCategories.find((c) => (t.TrackingCategoryID ? c.TrackingCategoryID === String(t.TrackingCategoryID).toLowerCase() : c.Name === t.Name));
    if (!category || category.Status !== "ACTIVE") {
      errors.push(`${n}: Tracking category '${String(t.Name ?? t.TrackingCategoryID)}' does not exist or is archived`);
      continue;
    }
    const option = category.Options.find((o) => (t.TrackingOptionID ? o.TrackingOptionID === String(t.TrackingOptionID).toLowerCase() : o.Name === t.Option));
    if (!option || option.Status !== "ACTIVE") errors.push(`${n}: Tracking option '${String(t.Option ?? t.TrackingOptionID)}' of '${category.Name}' does not exist or is archived`);
  }
  return errors;
}

function nextNumber(ledger: Ledger, kind: DocKind): string {
  const k = KIND[kind];
  let n = mapOf(ledger, kind).size + 1;
  const taken = new Set([...mapOf(ledger, kind).values()].map((d) => d[k.number]));
  while (taken.has(`${k.prefix}${String(n).padStart(4, "0")}`)) n++;
  return `${k.prefix}${String(n).padStart(4, "0")}`;
}

/** Find the stored document a POST names (by id, else by number); undefined: a new one. */
export function findDocument(ledger: Ledger, kind: DocKind, input: Doc, byNumber: boolean): Doc | undefined {
  const k = KIND[kind];
  const map = mapOf(ledger, kind);
  const id = input[k.id];
  if (typeof id === "string") {
    const found = map.get(id.toLowerCase());
    if (!found) throw new Refused(`${kind === "invoice" ? "Invoice" : "Credit note"} ${id} could not be found`);
    return found;
  }
  const number = input[k.number];
  if (byNumber && typeof number === "string") return [...map.values()].find((d) => d[k.number] === number && d.Status !== "DELETED");
  return undefined;
}

/** Create (`existing` undefined) or update one invoice or credit note; returns the stored document. */
export function saveDocument(ledger: Ledger, kind: DocKind, input: Doc, existing: Doc | undefined): Doc {
  const k = KIND[kind];
  const map = mapOf(ledger, kind);
  const merged: Doc = existing ? { ...existing, ...input } : { ...input };
  const errors: string[] = [];
  const type = merged.Type as string;
  if (!k.types.includes(type as never)) errors.push(`Type must be one of ${k.types.join(", ")}`);
  const status = (merged.Status as string | undefined) ?? "DRAFT";
  if (existing) {
    const was = existing.Status as string;
    if (FINAL.includes(was)) throw new Refused(`This document cannot be edited as it has a status of ${was}`);
    const { paid, allocated } = settled(ledger, kind, existing[k.id] as string);
    const touched = paid.gt("0") || allocated.gt("0");
    if (status === "VOIDED" && was !== "AUTHORISED") errors.push("Only an authorised document can be voided; delete a draft instead");
    if (status === "VOIDED" && touched) errors.push("This document cannot be voided as it has payments or allocations applied");
    if (status === "DELETED" && !["DRAFT", "SUBMITTED"].includes(was)) errors.push("Only a draft or submitted document can be deleted");
    if (touched && input.LineItems !== undefined) errors.push("Line items cannot be changed on a document with payments or allocations");
    if (CREATE_STATUSES.indexOf(status) >= 0 && CREATE_STATUSES.indexOf(status) < CREATE_STATUSES.indexOf(was)) errors.push(`A ${was} document cannot go back to ${status}`);
  } else if (!CREATE_STATUSES.includes(status)) errors.push(`A new document's Status must be one of ${CREATE_STATUSES.join(", ")}`);
  if (status === "PAID") errors.push("Status PAID cannot be set: it follows from payments");

  let contactId = existing?._contactId as string | undefined;
  if (input.Contact !== undefined || !existing) {
    try {
      contactId = resolveContact(ledger, input.Contact as Doc | undefined).ContactID as string;
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      errors.push(...e.messages);
    }
  }
  const lineAmountTypes = (merged.LineAmountTypes as string | undefined) ?? "Exclusive";
  if (!["Exclusive", "Inclusive", "NoTax"].includes(lineAmountTypes)) errors.push("LineAmountTypes must be Exclusive, Inclusive or NoTax");
  const built = lines(ledger, merged, status, lineAmountTypes, isSales(merged));
  errors.push(...built.errors);
  let date: string | null = null;
  let dueDate: string | null = null;
  try {
    date = parseDate(merged.DateString ?? merged.Date, "Date") ?? today(ledger.now);
    dueDate = parseDate(merged.DueDateString ?? merged.DueDate, "DueDate");
  } catch (e) {
    errors.push(...(e as Refused).messages);
  }
  if (kind === "invoice" && status === "AUTHORISED" && !dueDate) errors.push("Due Date is mandatory for an authorised invoice");
  const number = (merged[k.number] as string | undefined) ?? (existing?.[k.number] as string | undefined) ?? nextNumber(ledger, kind);
  if (isSales(merged) && [...map.values()].some((d) => d !== existing && d[k.number] === number && d.Status !== "DELETED")) {
    errors.push(`${kind === "invoice" ? "Invoice" : "Credit Note"} # must be unique.`);
  }
  const currency = (merged.CurrencyCode as string | undefined) ?? ledger.tenant.baseCurrency;
  if (existing && contactId !== existing._contactId && outstanding(ledger, kind, existing).lt(dec(existing.Total))) errors.push("The contact cannot change once payments or allocations are applied");
  if (errors.length) throw new Refused(...errors);

  const subTotal = sum(built.lines.map((l) => l._net));
  const totalTax = sum(built.lines.map((l) => l._tax));
  const id = (existing?.[k.id] as string | undefined) ?? randomUUID();
  const doc: Doc = {
    Type: type,
    [k.id]: id,
    [k.number]: number,
    Reference: (merged.Reference as string | undefined) ?? "",
    ...dateFields(date!, "Date"),
    ...(dueDate ? dateFields(dueDate, "DueDate") : {}),
    Status: status,
    LineAmountTypes: lineAmountTypes,
    LineItems: built.lines.map(({ _net, _tax, ...line }) => line),
    SubTotal: num(subTotal),
    TotalTax: num(totalTax),
    Total: num(subTotal.plus(totalTax)),
    CurrencyCode: currency,
    CurrencyRate: 1,
    ...(merged.Url ? { Url: merged.Url } : {}),
    UpdatedDateUTC: msDate(ledger.now),
    _contactId: contactId,
    _updated: ledger.now,
  };
  map.set(id, doc);
  return doc;
}

/** PUT /CreditNotes/{id}/Allocations: credit applied to an invoice of the same contact and currency. */
export function allocate(ledger: Ledger, creditNoteId: string, input: Doc): Doc {
  const note = ledger.creditNotes.get(creditNoteId.toLowerCase());
  if (!note) throw new Refused(`Credit note ${creditNoteId} could not be found`);
  const invoiceId = ((input.Invoice as Doc | undefined)?.InvoiceID as string | undefined)?.toLowerCase();
  const invoice = invoiceId ? ledger.invoices.get(invoiceId) : undefined;
  const errors: string[] = [];
  if (!invoice) errors.push("Invoice could not be found");
  if (note.Status !== "AUTHORISED") errors.push("Only an authorised credit note can be allocated");
  let amount = dec(0);
  try {
    amount = dec(input.Amount);
  } catch (e) {
    errors.push(...(e as Refused).messages);
  }
  if (!amount.gt("0")) errors.push("Amount must be greater than zero");
  if (invoice) {
    if (invoice.Status !== "AUTHORISED") errors.push("Credit can only be allocated to an authorised invoice");
    if (invoice._contactId !== note._contactId) errors.push("The invoice and the credit note must be for the same contact");
    if (invoice.CurrencyCode !== note.CurrencyCode) errors.push("The invoice and the credit note must be in the same currency");
    if (amount.gt(outstanding(ledger, "invoice", invoice))) errors.push("The amount allocated exceeds the amount due on the invoice");
  }
  if (amount.gt(outstanding(ledger, "creditNote", note))) errors.push("The amount allocated exceeds the credit remaining on the credit note");
  let date: string | null = null;
  try {
    date = parseDate(input.Date, "Date") ?? today(ledger.now);
  } catch (e) {
    errors.push(...(e as Refused).messages);
  }
  if (errors.length) throw new Refused(...errors);
  const allocation: Doc = { AllocationID: randomUUID(), Amount: num(amount), ...dateFields(date!, "Date"), _invoiceId: invoice!.InvoiceID, _creditNoteId: note.CreditNoteID, _updated: ledger.now };
  ledger.allocations.set(allocation.AllocationID as string, allocation);
  // Both documents changed (amounts due and credited): a pull with If-Modified-Since sees them.
  for (const [map, doc] of [[ledger.invoices, invoice!], [ledger.creditNotes, note]] as const) {
    map.set(doc[map === ledger.invoices ? "InvoiceID" : "CreditNoteID"] as string, { ...doc, UpdatedDateUTC: msDate(ledger.now), _updated: ledger.now });
  }
  return {
    ...publicView(allocation),
    Invoice: { InvoiceID: invoice!.InvoiceID, InvoiceNumber: invoice!.InvoiceNumber },
    CreditNote: { CreditNoteID: note.CreditNoteID, CreditNoteNumber: note.CreditNoteNumber },
  };
}
