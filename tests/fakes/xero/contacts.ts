// Contacts: Xero keeps names unique among active contacts, finds a contact by ContactID or ContactNumber,
// and creates one when a document names a contact by a Name it does not know (the source of duplicates).
import { randomUUID } from "node:crypto";
import { publicView, Refused, type Ledger } from "./ledger.ts";
import { msDate, type Doc } from "./state.ts";

export const contactRef = (contact: Doc): Doc => ({ ContactID: contact.ContactID, Name: contact.Name, ...(contact.ContactNumber ? { ContactNumber: contact.ContactNumber } : {}) });

const sameName = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.trim().toLowerCase() === b.trim().toLowerCase();

export function renderContact(ledger: Ledger, contact: Doc): Doc {
  const id = contact.ContactID;
  const sales = [...ledger.invoices.values()].some((i) => i._contactId === id && i.Type === "ACCREC");
  return { ...publicView(contact), IsCustomer: sales, IsSupplier: false, HasValidationErrors: false };
}

/** The contact a POST names (ContactID, else ContactNumber); undefined: a new one. */
export function findContact(ledger: Ledger, input: Doc): Doc | undefined {
  if (typeof input.ContactID === "string") {
    const found = ledger.contacts.get(input.ContactID.toLowerCase());
    if (!found) throw new Refused(`Contact ${input.ContactID} could not be found`);
    return found;
  }
  if (typeof input.ContactNumber === "string" && input.ContactNumber) return [...ledger.contacts.values()].find((c) => c.ContactNumber === input.ContactNumber);
  return undefined;
}

export function saveContact(ledger: Ledger, input: Doc, existing: Doc | undefined): Doc {
  const merged: Doc = existing ? { ...existing, ...input } : { ...input };
  const errors: string[] = [];
  const name = typeof merged.Name === "string" ? merged.Name.trim() : "";
  if (!name) errors.push("The contact name must be specified");
  if (name.length > 255) errors.push("The contact name must be 255 characters or fewer");
  const status = (merged.ContactStatus as string | undefined) ?? "ACTIVE";
  if (!["ACTIVE", "ARCHIVED"].includes(status)) errors.push("ContactStatus must be ACTIVE or ARCHIVED");
  if (status === "ACTIVE" && [...ledger.contacts.values()].some((c) => c !== existing && c.ContactStatus === "ACTIVE" && sameName(c.Name, name))) {
    errors.push(`The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`);
  }
  if (typeof merged.ContactNumber === "string" && [...ledger.contacts.values()].some((c) => c !== existing && c.ContactNumber === merged.ContactNumber)) {
    errors.push(`The contact number ${merged.ContactNumber} is already assigned to another contact`);
  }
  if (typeof merged.EmailAddress === "string" && merged.EmailAddress && !/^[^@\s]+@[^@\s]+$/.test(merged.EmailAddress)) errors.push("Email address must be valid.");
  if (errors.length) throw new Refused(...errors);
  const id = (existing?.ContactID as string | undefined) ?? randomUUID();
  const contact: Doc = { ...merged, ContactID: id, Name: name, ContactStatus: status, UpdatedDateUTC: msDate(ledger.now), _updated: ledger.now };
  ledger.contacts.set(id, contact);
  return contact;
}

/** The contact a document names: by ContactID or ContactNumber, else by Name (creating it when new, as Xero does). */
export function resolveContact(ledger: Ledger, ref: Doc | undefined): Doc {
  if (!ref || typeof ref !== "object") throw new Refused("A contact must be specified");
  const found = findContact(ledger, ref);
  if (found) return found;
  if (typeof ref.Name !== "string" || !ref.Name.trim()) throw new Refused("A contact must be specified by ContactID, ContactNumber or Name");
  const named = [...ledger.contacts.values()].find((c) => c.ContactStatus === "ACTIVE" && sameName(c.Name, ref.Name));
  return named ?? saveContact(ledger, { Name: ref.Name, ...(typeof ref.EmailAddress === "string" ? { EmailAddress: ref.EmailAddress } : {}) }, undefined);
}
