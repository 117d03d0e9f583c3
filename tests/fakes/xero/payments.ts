// Payments: against an authorised invoice (or credit note, a refund), from a bank account or one that
// takes payments, never more than is due; a payment is removed by setting its Status to DELETED.
import { randomUUID } from "node:crypto";
import { outstanding, type DocKind } from "./documents.ts";
import { accountByRef, dateFields, dec, num, parseDate, publicView, Refused, today, type Ledger } from "./ledger.ts";
import { msDate, type Doc } from "./state.ts";

export function renderPayment(ledger: Ledger, payment: Doc): Doc {
  const kind = payment._kind as DocKind;
  const doc = kind === "invoice" ? ledger.invoices.get(payment._documentId as string) : ledger.creditNotes.get(payment._documentId as string);
  const account = ledger.tenant.accounts.find((a) => a.AccountID === payment._accountId);
  const contact = doc ? ledger.contacts.get(doc._contactId as string) : undefined;
  const ref = contact ? { ContactID: contact.ContactID, Name: contact.Name } : undefined;
  return {
    ...publicView(payment),
    PaymentType: kind === "invoice" ? (doc?.Type === "ACCPAY" ? "ACCPAYPAYMENT" : "ACCRECPAYMENT") : "ARCREDITPAYMENT",
    ...(kind === "invoice"
      ? { Invoice: { InvoiceID: doc?.InvoiceID, InvoiceNumber: doc?.InvoiceNumber, Type: doc?.Type, Contact: ref } }
      : { CreditNote: { CreditNoteID: doc?.CreditNoteID, CreditNoteNumber: doc?.CreditNoteNumber, Contact: ref } }),
    Account: account ? { AccountID: account.AccountID, Code: account.Code } : undefined,
    HasValidationErrors: false,
  };
}

export function createPayment(ledger: Ledger, input: Doc): Doc {
  const errors: string[] = [];
  const invoiceRef = input.Invoice as Doc | undefined;
  const noteRef = input.CreditNote as Doc | undefined;
  const kind: DocKind = invoiceRef ? "invoice" : "creditNote";
  let doc: Doc | undefined;
  if (invoiceRef) {
    doc = typeof invoiceRef.InvoiceID === "string" ? ledger.invoices.get(invoiceRef.InvoiceID.toLowerCase()) : [...ledger.invoices.values()].find((i) => i.InvoiceNumber === invoiceRef.InvoiceNumber);
    if (!doc) errors.push("Invoice could not be found");
  } else if (noteRef) {
    doc = typeof noteRef.CreditNoteID === "string" ? ledger.creditNotes.get(noteRef.CreditNoteID.toLowerCase()) : [...ledger.creditNotes.values()].find((c) => c.CreditNoteNumber === noteRef.CreditNoteNumber);
    if (!doc) errors.push("Credit note could not be found");
  } else errors.push("A payment must be made against an Invoice or a CreditNote");
  if (doc && doc.Status !== "AUTHORISED") errors.push("Payment can only be made against Authorised documents");
  const account = accountByRef(ledger.tenant, input.Account as Doc | undefined);
  if (!account) errors.push("Account could not be found");
  else if (account.Type !== "BANK" && !account.EnablePaymentsToAccount) errors.push(`Account type is invalid for making a payment to/from (${account.Code})`);
  else if (account.Status !== "ACTIVE") errors.push(`The account ${account.Code} is archived`);
  let amount = dec(0);
  let date: string | null = null;
  try {
    amount = dec(input.Amount);
    date = parseDate(input.Date, "Date") ?? today(ledger.now);
  } catch (e) {
    errors.push(...(e as Refused).messages);
  }
  if (!amount.gt("0")) errors.push("Payment amount must be greater than zero");
  if (doc && amount.gt(outstanding(ledger, kind, doc))) errors.push("Payment amount exceeds the amount outstanding on this document");
  if (errors.length) throw new Refused(...errors);
  const payment: Doc = {
    PaymentID: randomUUID(),
    ...dateFields(date!, "Date"),
    Amount: num(amount),
    Reference: (input.Reference as string | undefined) ?? "",
    IsReconciled: input.IsReconciled === true,
    Status: "AUTHORISED",
    UpdatedDateUTC: msDate(ledger.now),
    _kind: kind,
    _documentId: doc![kind === "invoice" ? "InvoiceID" : "CreditNoteID"],
    _accountId: account!.AccountID,
    _updated: ledger.now,
  };
  ledger.payments.set(payment.PaymentID as string, payment);
  touch(ledger, kind, doc!);
  return payment;
}

/** POST /Payments/{PaymentID} {Status: "DELETED"} */
export function deletePayment(ledger: Ledger, paymentId: string, input: Doc): Doc {
  const payment = ledger.payments.get(paymentId.toLowerCase());
  if (!payment) throw new Refused(`Payment ${paymentId} could not be found`);
  if (input.Status !== "DELETED") throw new Refused("A payment can only be changed to Status DELETED");
  if (payment.Status === "DELETED") throw new Refused("This payment has already been deleted");
  const deleted = { ...payment, Status: "DELETED", UpdatedDateUTC: msDate(ledger.now), _updated: ledger.now };
  ledger.payments.set(payment.PaymentID as string, deleted);
  const kind = payment._kind as DocKind;
  const doc = (kind === "invoice" ? ledger.invoices : ledger.creditNotes).get(payment._documentId as string);
  if (doc) touch(ledger, kind, doc);
  return deleted;
}

/** A payment changes what is due on its document: the document counts as modified then. */
function touch(ledger: Ledger, kind: DocKind, doc: Doc) {
  const map = kind === "invoice" ? ledger.invoices : ledger.creditNotes;
  const id = doc[kind === "invoice" ? "InvoiceID" : "CreditNoteID"] as string;
  map.set(id, { ...doc, UpdatedDateUTC: msDate(ledger.now), _updated: ledger.now });
}
