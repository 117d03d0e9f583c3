// Money: currencies, rounding, exact sums and the decimal-string schemas (worker/domain/money.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, readDecimal, toFixedDigits } from "../../worker/domain/decimal.ts";
import {
  CURRENCY_CODES,
  MoneyError,
  addMoney,
  compareMoney,
  currencySchema,
  fitsCurrency,
  formatMoney,
  isCurrency,
  isNegativeMoney,
  isZeroMoney,
  minorUnits,
  moneyAmountSchema,
  multiplyMoney,
  percentOf,
  percentageSchema,
  quantitySchema,
  roundMoney,
  subtractMoney,
  sumMoney,
  toDecimal,
  unitPriceSchema,
} from "../../worker/domain/money.ts";

/** The error a call throws (fails the test when it doesn't throw). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("currencies (ISO 4217 via currency-codes)", () => {
  it.each([
    ["JPY", 0],
    ["KRW", 0],
    ["XAF", 0],
    ["USD", 2],
    ["EUR", 2],
    ["GBP", 2],
    ["KWD", 3],
    ["BHD", 3],
    ["TND", 3],
    ["CLF", 4],
  ])("%s has %i minor digits", (code, digits) => {
    expect(minorUnits(code)).toBe(digits);
    expect(isCurrency(code)).toBe(true);
  });

  it.each(["usd", "Usd", "US", "USDD", "", " USD", "ABC", "XXX", "XTS", "XAU", "XAG", "XDR", "XUA", "XSU", "XBA"])(
    "%j is not a currency we bill in",
    (code) => {
      expect(isCurrency(code)).toBe(false);
      const error = thrown(() => minorUnits(code));
      expect(error).toBeInstanceOf(MoneyError);
      expect((error as MoneyError).code).toBe("unknown_currency");
    },
  );

  it("lists only uppercase codes, each with 0-4 digits", () => {
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
    for (const code of CURRENCY_CODES) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(minorUnits(code));
    }
    expect(CURRENCY_CODES).toContain("USD");
    expect(CURRENCY_CODES).not.toContain("XXX");
  });

  it("currencySchema accepts active codes only", () => {
    expect(currencySchema.safeParse("EUR").success).toBe(true);
    expect(currencySchema.safeParse("eur").success).toBe(false);
    expect(currencySchema.safeParse("XTS").success).toBe(false);
  });
});

describe("roundMoney: half away from zero to the currency's minor units", () => {
  it.each([
    // Rounding traps for floats: 1.005 is 1.00499999999999989... as a double.
    ["1.005", "USD", "1.01"],
    ["8.675", "USD", "8.68"],
    ["1.255", "USD", "1.26"],
    ["0.145", "USD", "0.15"],
    ["1.004999999999", "USD", "1.00"],
    ["2.5", "JPY", "3"],
    ["3.5", "JPY", "4"],
    ["1249.4999", "JPY", "1249"],
    ["1.2345", "KWD", "1.235"],
    ["1.2344", "KWD", "1.234"],
    ["1.00005", "CLF", "1.0001"],
    // Always exactly the currency's digits.
    ["5", "USD", "5.00"],
    ["1250", "EUR", "1250.00"],
    ["5", "JPY", "5"],
    ["1.2", "KWD", "1.200"],
    ["0", "USD", "0.00"],
    ["0.000", "USD", "0.00"],
    ["0", "JPY", "0"],
    ["9.995", "USD", "10.00"],
    ["99999999999999.995", "USD", "100000000000000.00"],
    ["0.005", "USD", "0.01"],
    ["0.004999", "USD", "0.00"],
    ["0.5", "JPY", "1"],
    ["0.49", "JPY", "0"],
    ["0.0005", "KWD", "0.001"],
    // Negative amounts round away from zero too (credits mirror charges), and zero has no sign.
    ["-1.005", "USD", "-1.01"],
    ["-8.675", "USD", "-8.68"],
    ["-1.004", "USD", "-1.00"],
    ["-2.5", "JPY", "-3"],
    ["-0.004", "USD", "0.00"],
    ["-0.005", "USD", "-0.01"],
    ["-0", "USD", "0.00"],
    ["-0.4", "JPY", "0"],
    ["-0.0004", "KWD", "0.000"],
    // Many decimals and large values stay exact.
    ["123456789012345.678901234567", "USD", "123456789012345.68"],
    ["0.000000000001", "USD", "0.00"],
  ])("roundMoney(%j, %s) = %j", (amount, currency, expected) => {
    expect(roundMoney(amount, currency)).toBe(expected);
  });

  it("takes a Decimal as well as a string", () => {
    expect(roundMoney(new Decimal("1.005"), "USD")).toBe("1.01");
  });

  it.each(["1e3", "1E-2", "+1", " 1", "1 ", "NaN", "Infinity", "-Infinity", ".5", "5.", "1,000.00", "0x10", "", "--1", "1.2.3", "007"])(
    "refuses %j",
    (amount) => {
      const error = thrown(() => roundMoney(amount, "USD"));
      expect(error).toBeInstanceOf(MoneyError);
      expect((error as MoneyError).code).toBe("invalid_amount");
    },
  );

  it("refuses unknown currencies", () => {
    expect((thrown(() => roundMoney("1", "ZZZ")) as MoneyError).code).toBe("unknown_currency");
  });
});

describe("arithmetic", () => {
  it("sums exactly where floats drift", () => {
    expect(sumMoney(Array.from({ length: 10 }, () => "0.10"), "USD")).toBe("1.00");
    expect(sumMoney(["0.10", "0.20"], "USD")).toBe("0.30");
    expect(sumMoney([], "USD")).toBe("0.00");
    expect(sumMoney([], "JPY")).toBe("0");
    expect(sumMoney(["1250.00", "-250.50", "0.5"], "USD")).toBe("1000.00");
    expect(sumMoney(["999999999999999.99", "0.01"], "USD")).toBe("1000000000000000.00");
    expect(sumMoney(["1.001", "2.002"], "KWD")).toBe("3.003");
    expect(sumMoney(["1.500", "1"], "USD")).toBe("2.50"); // trailing zeros are no extra precision
    expect(sumMoney([new Decimal("0.25"), "0.75"], "USD")).toBe("1.00");
  });

  it("refuses to sum an amount that skipped rounding", () => {
    const error = thrown(() => sumMoney(["1.00", "1.005"], "USD"));
    expect(error).toBeInstanceOf(MoneyError);
    expect((error as MoneyError).code).toBe("precision_exceeded");
    expect((thrown(() => sumMoney(["1.5"], "JPY")) as MoneyError).code).toBe("precision_exceeded");
  });

  it("adds, subtracts, multiplies and takes percentages, rounding once", () => {
    expect(addMoney("0.1", "0.2", "USD")).toBe("0.30");
    expect(addMoney("1.005", "0", "USD")).toBe("1.01");
    expect(subtractMoney("10.00", "10.005", "USD")).toBe("-0.01");
    expect(subtractMoney("1", "1", "USD")).toBe("0.00");
    expect(multiplyMoney("19.99", "3", "USD")).toBe("59.97");
    expect(multiplyMoney("0.333333333333", "3", "USD")).toBe("1.00");
    expect(multiplyMoney("4.35", "100", "USD")).toBe("435.00");
    expect(multiplyMoney("-2.50", "3", "JPY")).toBe("-8");
    expect(percentOf("1250.00", "20", "GBP")).toBe("250.00");
    expect(percentOf("10.05", "50", "USD")).toBe("5.03");
    expect(percentOf("100", "12.345", "KWD")).toBe("12.345");
  });

  it("compares exactly", () => {
    expect(compareMoney("1.50", "1.5")).toBe(0);
    expect(compareMoney("0.1", "0.09999999999")).toBe(1);
    expect(compareMoney("-1", "0")).toBe(-1);
    expect(isZeroMoney("0.000")).toBe(true);
    expect(isZeroMoney("-0")).toBe(true);
    expect(isNegativeMoney("-0.01")).toBe(true);
    expect(isNegativeMoney("-0")).toBe(false);
    expect(toDecimal("12.50").eq(new Decimal("12.5"))).toBe(true);
  });

  it("formats an amount that already fits, and refuses one that doesn't", () => {
    expect(formatMoney("12.5", "USD")).toBe("12.50");
    expect(formatMoney("-3", "KWD")).toBe("-3.000");
    expect((thrown(() => formatMoney("12.345", "USD")) as MoneyError).code).toBe("precision_exceeded");
    expect(fitsCurrency("12.5", "USD")).toBe(true);
    expect(fitsCurrency("12.345", "USD")).toBe(false);
    expect(fitsCurrency("12.345", "KWD")).toBe(true);
    expect(fitsCurrency("12", "JPY")).toBe(true);
    expect(fitsCurrency("12.0", "JPY")).toBe(true);
    expect(fitsCurrency("12.5", "JPY")).toBe(false);
    expect(fitsCurrency("1e3", "USD")).toBe(false);
    expect(formatMoney("12.500", "USD")).toBe("12.50");
  });
});

describe("decimal string schemas", () => {
  const messages = (schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, value: unknown) =>
    schema.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];

  it.each(["0", "1", "12.50", "0.000000000001", "1000000000000000", "999999999999999.999999999999"])("quantity %j is accepted", (value) => {
    expect(quantitySchema.safeParse(value).success).toBe(true);
  });

  it.each([
    ["-1", "must not be negative"],
    ["-0", "must not be negative"],
    ["1e3", "plain decimal"],
    ["+1", "plain decimal"],
    [" 1", "plain decimal"],
    ["1\n", "plain decimal"],
    ["NaN", "plain decimal"],
    ["Infinity", "plain decimal"],
    ["0.0000000000001", "at most 12 decimal places"],
    ["1000000000000000.000000000001", "at most 1000000000000000 in magnitude"],
    ["10000000000000000", "at most 1000000000000000 in magnitude"],
    ["2000000000000000", "at most 1000000000000000 in magnitude"],
    ["1000000000000000.1", "at most 1000000000000000 in magnitude"],
  ])("quantity %j is refused (%s)", (value, message) => {
    expect(messages(quantitySchema, value).join(" ")).toContain(message);
  });

  it("refuses non-strings", () => {
    for (const value of [1, 1.5, null, undefined, {}, [], true]) {
      expect(quantitySchema.safeParse(value).success).toBe(false);
      expect(unitPriceSchema.safeParse(value).success).toBe(false);
    }
  });

  it("unit prices take a sign and 12 decimals; amounts at most 4 (the most any currency has)", () => {
    expect(unitPriceSchema.safeParse("-0.123456789012").success).toBe(true);
    expect(unitPriceSchema.safeParse("-1000000000000001").success).toBe(false);
    expect(moneyAmountSchema.safeParse("-1250.00").success).toBe(true);
    expect(moneyAmountSchema.safeParse("1.2345").success).toBe(true);
    expect(messages(moneyAmountSchema, "1.23456")).toEqual(["must have at most 4 decimal places"]);
  });

  it("percentages run from 0 to 100", () => {
    expect(percentageSchema.safeParse("0").success).toBe(true);
    expect(percentageSchema.safeParse("12.5").success).toBe(true);
    expect(percentageSchema.safeParse("100").success).toBe(true);
    expect(messages(percentageSchema, "100.000000000001")).toEqual(["must be at most 100"]);
    expect(messages(percentageSchema, "-5")).toEqual(["must not be negative"]);
  });
});

describe("decimal internals agree with big.js", () => {
  // A plain decimal string: optional sign, integer part without leading zeros, up to 14 decimals.
  const plainDecimal = fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 14 }))
    .map(([negative, units, scale]) => {
      const digits = units.toString().padStart(scale + 1, "0");
      const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
      return negative ? `-${text}` : text;
    });

  it("readDecimal parses exactly what big.js parses", () => {
    fc.assert(
      fc.property(plainDecimal, (text) => {
        const read = readDecimal(text, { maxDecimals: Infinity, unbounded: true });
        expect(typeof read).not.toBe("string");
        const reference = new Decimal(text); // big.js's own parser
        const value = read as Decimal;
        expect([value.s, value.e, value.c.join("")]).toEqual([reference.s, reference.e, reference.c.join("")]);
      }),
      { numRuns: 500 },
    );
  });

  it("toFixedDigits is big.js round-half-up + toFixed, without negative zero", () => {
    fc.assert(
      fc.property(plainDecimal, fc.integer({ min: 0, max: 4 }), (text, digits) => {
        let expected = new Decimal(text).round(digits, 1).toFixed(digits);
        if (/^-0(\.0+)?$/.test(expected)) expected = expected.slice(1);
        expect(toFixedDigits(new Decimal(text), digits)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("readDecimal refuses anything that is not plain notation", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const plain = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(text);
        expect(typeof readDecimal(text, { maxDecimals: Infinity, unbounded: true }) !== "string").toBe(plain);
      }),
      { numRuns: 500 },
    );
  });
});
