// Xero's figures in Kontor's terms: JSON numbers to decimal strings (no float arithmetic), and where
// payment stands after what Xero says.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundMoney } from "../../worker/domain/money.ts";
import { paymentFromXero, samePayment, xeroAmount } from "../../worker/domain/xero-payment.ts";

describe("xeroAmount", () => {
  it.each([
    [150.5, "GBP", "150.50"],
    [120, "GBP", "120.00"],
    [0.30000000000000004, "GBP", "0.30"], // what 0.1 + 0.2 would be: read as written, then rounded once
    [33.335, "GBP", "33.34"], // half away from zero, on the decimal text, not the binary double
    [1e-7, "GBP", "0.00"], // String() writes it with an exponent; big.js reads that from text
    [1e21, "USD", "1000000000000000000000.00"],
    [1500, "JPY", "1500"],
    [12.345, "KWD", "12.345"],
    ["99.99", "EUR", "99.99"],
    [-5, "GBP", "-5.00"],
  ])("%s %s → %s", (value, currency, expected) => {
    expect(xeroAmount(value, currency)).toBe(expected);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], ["12,50"], ["abc"], [""], [null], [undefined], [{}]])("%s is not an amount", (value) => {
    expect(xeroAmount(value, "GBP")).toBeNull();
  });

  // Up to 15 significant digits: every such decimal survives JSON.parse → double → String() unchanged.
  it("any amount Xero writes with up to 4 decimals reads back as that decimal, rounded once", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n - 1n), max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 4 }), (units, digits) => {
        const negative = units < 0n;
        const raw = (negative ? -units : units).toString().padStart(digits + 1, "0");
        const text = `${negative ? "-" : ""}${digits ? `${raw.slice(0, -digits)}.${raw.slice(-digits)}` : raw}`;
        expect(xeroAmount(JSON.parse(text), "GBP")).toBe(roundMoney(text, "GBP"));
      }),
    );
  });

  it("needs a currency it knows", () => {
    expect(xeroAmount(1, "XXX")).toBeNull();
  });
});

const kontor = (paymentStatus: "UNPAID" | "PARTIALLY_PAID" | "PAID" | "UNCOLLECTIBLE", amountPaid = "0.00", payable = "120.00") => ({ paymentStatus, amountPaid, payable, currency: "GBP" });

describe("paymentFromXero", () => {
  it.each([
    // Xero status, AmountPaid, Kontor now → Kontor after
    ["AUTHORISED", 0, kontor("UNPAID"), { paymentStatus: "UNPAID", amountPaid: "0.00" }],
    ["AUTHORISED", 50.5, kontor("UNPAID"), { paymentStatus: "PARTIALLY_PAID", amountPaid: "50.50" }],
    ["AUTHORISED", 100, kontor("PARTIALLY_PAID", "50.50"), { paymentStatus: "PARTIALLY_PAID", amountPaid: "100.00" }],
    ["PAID", 120, kontor("PARTIALLY_PAID", "100.00"), { paymentStatus: "PAID", amountPaid: "120.00" }],
    // Xero settled it (a credit Kontor does not know of, say): PAID at what Kontor finds payable.
    ["PAID", 100, kontor("PARTIALLY_PAID", "100.00"), { paymentStatus: "PAID", amountPaid: "120.00" }],
    // Paid up to what is payable here (a Kontor credit note not in Xero yet): PAID.
    ["AUTHORISED", 100, kontor("UNPAID", "0.00", "100.00"), { paymentStatus: "PAID", amountPaid: "100.00" }],
    // A payment deleted in Xero takes it back.
    ["AUTHORISED", 0, kontor("PARTIALLY_PAID", "20.00"), { paymentStatus: "UNPAID", amountPaid: "0.00" }],
    // A write-off stays one, with what was paid, unless Xero has it paid in full.
    ["AUTHORISED", 20, kontor("UNCOLLECTIBLE"), { paymentStatus: "UNCOLLECTIBLE", amountPaid: "20.00" }],
    ["PAID", 120, kontor("UNCOLLECTIBLE"), { paymentStatus: "PAID", amountPaid: "120.00" }],
    ["AUTHORISED", undefined, kontor("UNPAID"), { paymentStatus: "UNPAID", amountPaid: "0.00" }],
  ] as const)("%s, AmountPaid %s", (status, amountPaid, now, expected) => {
    expect(paymentFromXero({ status, amountPaid }, now)).toEqual(expected);
  });

  it.each(["VOIDED", "DELETED", "DRAFT", "SUBMITTED", "SOMETHING_NEW"])("says nothing for a %s invoice", (status) => {
    expect(paymentFromXero({ status, amountPaid: 10 }, kontor("UNPAID"))).toBeNull();
  });

  it("says nothing for an amount it cannot read, or a negative one", () => {
    expect(paymentFromXero({ status: "AUTHORISED", amountPaid: "lots" }, kontor("UNPAID"))).toBeNull();
    expect(paymentFromXero({ status: "AUTHORISED", amountPaid: -1 }, kontor("UNPAID"))).toBeNull();
  });

  it("samePayment compares decimals exactly", () => {
    expect(samePayment({ paymentStatus: "PAID", amountPaid: "120.00" }, { paymentStatus: "PAID", amountPaid: "120" })).toBe(true);
    expect(samePayment({ paymentStatus: "PARTIALLY_PAID", amountPaid: "100.00" }, { paymentStatus: "PARTIALLY_PAID", amountPaid: "100.01" })).toBe(false);
    expect(samePayment({ paymentStatus: "PAID", amountPaid: "0.00" }, { paymentStatus: "UNPAID", amountPaid: "0.00" })).toBe(false);
  });
});
