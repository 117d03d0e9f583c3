// Amounts on Xero's wire: a decimal becomes a JSON number only when that number says exactly the same
// decimal, with no more decimals than Xero keeps; else it is refused (never rounded on the way).
import { describe, expect, it } from "vitest";
import { AMOUNT_DECIMALS, exactNumber, InexactAmount, UNIT_DECIMALS, wireLine, wireNumber } from "../../worker/integrations/xero/wire.ts";

describe("exact numbers for Xero", () => {
  it.each([
    // [decimal, decimals Xero keeps, the JSON text sent, or null: refused]
    ["0.1", AMOUNT_DECIMALS, "0.1"],
    ["0.30", AMOUNT_DECIMALS, "0.3"],
    ["100.00", AMOUNT_DECIMALS, "100"],
    ["-42.50", AMOUNT_DECIMALS, "-42.5"],
    ["0", AMOUNT_DECIMALS, "0"],
    ["9999999999.99", AMOUNT_DECIMALS, "9999999999.99"],
    ["9999999999999.99", AMOUNT_DECIMALS, "9999999999999.99"],
    ["33.335", UNIT_DECIMALS, "33.335"],
    ["0.0001", UNIT_DECIMALS, "0.0001"],
    ["1234567890.1234", UNIT_DECIMALS, "1234567890.1234"],
    // 0.1 + 0.2 as a float: the decimal itself is fine, and is sent as written, not as 0.3
    ["0.30000000000000004", 17, "0.30000000000000004"],
    // more decimals than Xero keeps: Xero would round them
    ["0.30000000000000004", AMOUNT_DECIMALS, null],
    ["0.123456", UNIT_DECIMALS, null],
    ["10.005", AMOUNT_DECIMALS, null],
    // more significant digits than a double holds
    ["99999999999999.99", AMOUNT_DECIMALS, null],
    ["999999999999999.99", AMOUNT_DECIMALS, null],
    ["123456789.123456789012", 12, null],
    ["12345678901234567", 0, null],
    // not a decimal at all
    ["abc", AMOUNT_DECIMALS, null],
    ["", AMOUNT_DECIMALS, null],
  ] as const)("%s (≤ %i decimals) → %s", (decimal, decimals, sent) => {
    const n = exactNumber(decimal, decimals);
    expect(n === null ? null : JSON.stringify(n)).toBe(sent);
  });

  it("wireNumber refuses what has no exact number, naming the amount", () => {
    expect(wireNumber("The payment", "12.34", AMOUNT_DECIMALS)).toBe(12.34);
    expect(() => wireNumber("The payment", "99999999999999.99", AMOUNT_DECIMALS)).toThrow(InexactAmount);
    expect(() => wireNumber("The payment", "99999999999999.99", AMOUNT_DECIMALS)).toThrow(/The payment 99999999999999\.99 cannot be sent to Xero exactly/);
  });

  it("a line keeps quantity × unit price when both are exact, else books one unit of its amount", () => {
    expect(wireLine({ description: "Consulting", quantity: "3", rate: "33.335", amount: "100.01" }, 1)).toEqual({ description: "Consulting", quantity: 3, unitAmount: 33.335 });
    // a unit price of six decimals: Xero (unitdp=4) would round it and book another line amount
    expect(wireLine({ description: "Calls", quantity: "1000", rate: "0.123456", amount: "123.46" }, 2)).toEqual({ description: "Calls (1000 × 0.123456)", quantity: 1, unitAmount: 123.46 });
    expect(wireLine({ description: "Storage", quantity: "0.333333", rate: "3", amount: "1.00" }, 3)).toEqual({ description: "Storage (0.333333 × 3)", quantity: 1, unitAmount: 1 });
    expect(() => wireLine({ description: "Huge", quantity: "1", rate: "999999999999999.99", amount: "999999999999999.99" }, 4)).toThrow(/Line 4's amount 999999999999999\.99/);
  });
});
