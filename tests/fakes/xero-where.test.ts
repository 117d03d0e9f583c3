// The fake's reading of Xero's `where` filters.
import { describe, expect, it } from "vitest";
import { parseWhere, WhereError } from "./xero/where.ts";

const invoice = {
  Type: "ACCREC",
  Status: "AUTHORISED",
  InvoiceNumber: "ACME-UK-000042",
  Total: 120.5,
  Date: "/Date(1780272000000+0000)/", // 2026-06-01
  Contact: { ContactID: "7D0C1F1E-3A55-4C2B-9F0E-0A1B2C3D4E5F", Name: "Globex Ltd", EmailAddress: null },
};

describe("where", () => {
  it.each([
    ['Type=="ACCREC"', true],
    ['Type=="ACCPAY"', false],
    ['Status=="AUTHORISED" AND Type=="ACCREC"', true],
    ['Status=="DRAFT" OR Status=="AUTHORISED"', true],
    ['Status=="DRAFT" || (Type=="ACCREC" && Total>100)', true],
    ["Total>=120.5 AND Total<121", true],
    ['Contact.ContactID==guid("7d0c1f1e-3a55-4c2b-9f0e-0a1b2c3d4e5f")', true],
    ['Contact.Name.Contains("globex")', true],
    ['Contact.Name.StartsWith("Glo") AND InvoiceNumber.EndsWith("042")', true],
    ["Contact.EmailAddress==null", true],
    ["Contact.EmailAddress!=null", false],
    ["Date>=DateTime(2026,06,01)", true],
    ["Date<DateTime(2026, 6, 1)", false],
    ['!(Type=="ACCPAY")', true],
    ["Missing.Field==null", true],
  ])("%s → %s", (clause, expected) => {
    expect(parseWhere(clause)(invoice)).toBe(expected);
  });

  it.each(['Type=="ACCREC" AND', 'Type="ACCREC"', "Name.Reverse()", '(Type=="ACCREC"', "Type==ACCREC extra"])("refuses %s", (clause) => {
    expect(() => parseWhere(clause)).toThrow(WhereError);
  });
});
