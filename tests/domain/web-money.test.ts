// The web's money formatting (web/src/lib/money.ts): Intl's grouping and symbols, the Worker's
// ISO 4217 minor units (where Intl's own table differs), and decimal strings that stay exact.
import { describe, expect, it } from "vitest";
import { isZero, money, qty, unitPrice } from "../../web/src/lib/money.ts";

/** Intl puts a no-break space between a code and the amount; compare with plain spaces. */
const plain = (s: string) => s.replace(/\s/g, " ");

describe("money", () => {
  it("formats an amount with the currency's symbol and grouping", () => {
    expect(money("1250.00", "USD")).toBe("$1,250.00");
    expect(money("-12.5", "EUR")).toBe("-€12.50");
    expect(money("5", "JPY")).toBe("¥5");
    expect(plain(money("1.234", "KWD"))).toBe("KWD 1.234");
  });

  it("uses ISO 4217 minor units where Intl's table disagrees (IQD 3, ALL 2, LBP 2)", () => {
    expect(plain(money("1.5", "IQD"))).toBe("IQD 1.500");
    expect(plain(money("100", "ALL"))).toBe("ALL 100.00");
    expect(plain(money("1000", "LBP"))).toBe("LBP 1,000.00");
  });

  it("keeps every digit of a long decimal string (no float on the way)", () => {
    expect(money("123456789012345.67", "USD")).toBe("$123,456,789,012,345.67");
  });

  it("shows what it cannot format as it is, with the code", () => {
    expect(money("12.5", "XXX")).toBe("12.5 XXX");
    expect(money("1e3", "USD")).toBe("1e3 USD");
    expect(money(null, "USD")).toBe("");
  });
});

describe("unitPrice", () => {
  it("keeps a price's own decimals, at least the currency's", () => {
    expect(unitPrice("0.002", "GBP")).toBe("£0.002");
    expect(unitPrice("15", "GBP")).toBe("£15.00");
    expect(plain(unitPrice("2", "IQD"))).toBe("IQD 2.000");
  });
});

describe("qty and isZero", () => {
  it("groups quantities and recognises zero amounts", () => {
    expect(qty("10000.5")).toBe("10,000.5");
    expect(isZero("0.00")).toBe(true);
    expect(isZero("-0")).toBe(true);
    expect(isZero("0.01")).toBe(false);
  });
});
