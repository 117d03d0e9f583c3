// The pricing engine, model by model, with worked examples from public pricing docs
// (worker/domain/pricing.ts). Amounts are rounded half away from zero to the currency.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MoneyError } from "../../worker/domain/money.ts";
import {
  PricingError,
  compilePrice,
  priceAmount,
  priceStructureSchema,
  pricingPreviewSchema,
  validatePriceStructure,
  type PriceStructure,
} from "../../worker/domain/pricing.ts";

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** Issues of an invalid structure as "path: message" lines. */
function issues(input: unknown): string[] {
  const result = validatePriceStructure(input);
  return result.success ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

function expectAmounts(structure: PriceStructure, currency: string, table: [quantity: string, amount: string][]) {
  expect(validatePriceStructure(structure).success).toBe(true);
  const compiled = compilePrice(structure);
  for (const [quantity, amount] of table) {
    expect({ quantity, amount: priceAmount(structure, quantity, currency) }).toEqual({ quantity, amount });
    expect(compiled.amount(quantity, currency)).toBe(amount);
  }
}

describe("FIXED and ONE_TIME: price × quantity", () => {
  it("prices units of a flat fee", () => {
    expectAmounts({ pricingType: "FIXED", price: "1250" }, "USD", [
      ["1", "1250.00"],
      ["0", "0.00"],
      ["3", "3750.00"],
      ["0.5", "625.00"],
    ]);
    expectAmounts({ pricingType: "ONE_TIME", price: "499.99" }, "EUR", [
      ["1", "499.99"],
      ["2", "999.98"],
      ["0", "0.00"],
    ]);
  });

  it("rounds at the line, never through floats", () => {
    expectAmounts({ pricingType: "FIXED", price: "1.005" }, "USD", [["1", "1.01"]]);
    expectAmounts({ pricingType: "FIXED", price: "8.675" }, "USD", [["1", "8.68"]]);
    expectAmounts({ pricingType: "FIXED", price: "0.145" }, "USD", [["1", "0.15"]]);
    expectAmounts({ pricingType: "FIXED", price: "1500.5" }, "JPY", [["1", "1501"]]);
    expectAmounts({ pricingType: "FIXED", price: "10.0005" }, "KWD", [["1", "10.001"]]);
  });
});

describe("LINEAR per unit", () => {
  it("Lago standard: $0.05 per API call, 1,000 calls cost $50", () => {
    // https://docs.getlago.com/guide/plans/charges/charge-models/standard
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.05" }, "USD", [["1000", "50.00"]]);
  });

  it("Sequence's LINEAR example: 0.25 per unit", () => {
    // https://docs.sequencehq.com/reference/billing/create-a-new-price (pricePerUnit "0.25")
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.25" }, "GBP", [
      ["0", "0.00"],
      ["1", "0.25"],
      ["3", "0.75"],
      ["1000", "250.00"],
      ["0.02", "0.01"], // 0.005 rounds half away from zero
    ]);
  });

  it("takes fractional quantities (hours, GB)", () => {
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "150" }, "USD", [
      ["1.5", "225.00"],
      ["0.333333333333", "50.00"],
      ["7.25", "1087.50"],
    ]);
  });

  it("keeps 12-decimal unit prices exact at large quantities", () => {
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.000000000001" }, "USD", [["999999999999999", "1000.00"]]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.123456789012" }, "USD", [["999999999999999", "123456789011999.88"]]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "1234.567890123456" }, "USD", [["1000000", "1234567890.12"]]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.333333333333" }, "USD", [["300000000000003", "99999999999901.00"]]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.000000000005" }, "USD", [
      ["1", "0.00"],
      ["1000000000", "0.01"],
    ]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.0000005" }, "JPY", [["1000000", "1"]]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "0.0000005" }, "KWD", [["1000", "0.001"]]);
  });

  it("refuses an amount beyond 1e15", () => {
    const error = thrown(() => priceAmount({ pricingType: "LINEAR", pricePerUnit: "1000000000000000" }, "2", "USD"));
    expect(error).toBeInstanceOf(PricingError);
    expect((error as PricingError).code).toBe("amount_out_of_range");
    expect(priceAmount({ pricingType: "LINEAR", pricePerUnit: "1000000000000000" }, "1", "USD")).toBe("1000000000000000.00");
  });
});

describe("LINEAR percentage: quantity is the monetary base", () => {
  const cardFee: PriceStructure = {
    pricingType: "LINEAR",
    pricePerUnit: "1.5",
    isPricePercentage: true,
    minPrice: "0.20",
    maxPrice: "5.00",
  };

  it("charges price % of the base", () => {
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "2.9", isPricePercentage: true }, "USD", [
      ["100", "2.90"],
      ["1234.56", "35.80"], // 35.80224
      ["0", "0.00"],
      ["0.17", "0.00"], // 0.00493
      ["0.18", "0.01"], // 0.00522
    ]);
  });

  it("clamps the line's amount to [minPrice, maxPrice]; no usage costs nothing", () => {
    expectAmounts(cardFee, "GBP", [
      ["0", "0.00"], // no usage: the minimum does not apply
      ["1", "0.20"], // 0.015 -> min
      ["13.33", "0.20"], // 0.19995 -> min
      ["13.34", "0.20"], // 0.2001
      ["20", "0.30"],
      ["333.33", "5.00"], // 4.99995 -> rounds to 5.00
      ["333.34", "5.00"], // 5.0001 -> max
      ["100000", "5.00"],
    ]);
  });

  it("needs only one bound", () => {
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "10", isPricePercentage: true, minPrice: "1" }, "USD", [
      ["5", "1.00"],
      ["500", "50.00"],
    ]);
    expectAmounts({ pricingType: "LINEAR", pricePerUnit: "10", isPricePercentage: true, maxPrice: "20" }, "USD", [
      ["5", "0.50"],
      ["500", "20.00"],
    ]);
  });
});

describe("tiers: upperBound is inclusive", () => {
  // Stripe's Typographic example: 1-5 fonts at $7, 6-10 at $6.50, 11+ at $6.
  // https://docs.stripe.com/subscriptions/pricing-models/tiered-pricing
  const stripeTiers = [
    { upperBound: "5", price: "7" },
    { upperBound: "10", price: "6.5" },
    { price: "6" },
  ];

  it("Stripe volume-based: the entire quantity at the tier reached", () => {
    expectAmounts({ pricingType: "VOLUME", tiers: stripeTiers }, "USD", [
      ["1", "7.00"],
      ["4", "28.00"], // one below the bound
      ["5", "35.00"], // at the bound: still the first tier
      ["6", "39.00"], // one above: every font at 6.50
      ["5.5", "35.75"], // just above, fractional
      ["10", "65.00"],
      ["11", "66.00"],
      ["20", "120.00"],
      ["25", "150.00"],
      ["0", "0.00"],
    ]);
  });

  it("Stripe graduated: each tier's units at its own price", () => {
    expectAmounts({ pricingType: "GRADUATED", tiers: stripeTiers }, "USD", [
      ["1", "7.00"],
      ["4", "28.00"],
      ["5", "35.00"],
      ["6", "41.50"],
      ["5.5", "38.25"],
      ["10", "67.50"],
      ["11", "73.50"],
      ["20", "127.50"],
      ["25", "157.50"],
      ["0", "0.00"],
    ]);
  });

  // Sequence's GRADUATED price in its create-a-price API example: 200 at 1.00 + fee 50, 400 at 0.75 +
  // fee 25, then 0.50. https://docs.sequencehq.com/reference/latest/billing/create-a-new-price
  const sequenceTiers = [
    { upperBound: "200", price: "1.00", fee: "50.00", isPricePercentage: false },
    { upperBound: "400", price: "0.75", fee: "25.00", isPricePercentage: false },
    { price: "0.50", fee: "0.00", isPricePercentage: false },
  ];

  it("Sequence graduated with per-tier fees: a fee applies once any unit falls in its tier", () => {
    expectAmounts({ pricingType: "GRADUATED", tiers: sequenceTiers }, "GBP", [
      ["0", "0.00"], // no unit in any tier: no fee
      ["0.5", "50.50"],
      ["1", "51.00"],
      ["199", "249.00"],
      ["200", "250.00"],
      ["200.01", "275.01"], // 250 + 0.0075 + 25
      ["201", "275.75"],
      ["399", "424.25"],
      ["400", "425.00"],
      ["401", "425.50"],
      ["500", "475.00"],
      ["1000000", "500225.00"],
    ]);
  });

  it("Sequence's tiers priced as VOLUME: the reached tier's price for all units, plus its fee", () => {
    expectAmounts({ pricingType: "VOLUME", tiers: sequenceTiers }, "GBP", [
      ["0", "0.00"], // decided: no unit reaches a tier, so no fee (see pricing.ts)
      ["1", "51.00"],
      ["200", "250.00"],
      ["201", "175.75"],
      ["400", "325.00"],
      ["401", "200.50"],
    ]);
  });

  it("Lago volume: 65,000 API calls cost 65,000 × $0.0006 + $10 = $49", () => {
    // https://docs.getlago.com/guide/plans/charges/charge-models/volume
    const tiers = [
      { upperBound: "10000", price: "0.0010", fee: "10" },
      { upperBound: "50000", price: "0.0008", fee: "10" },
      { upperBound: "100000", price: "0.0006", fee: "10" },
      { price: "0.0004", fee: "10" },
    ];
    expectAmounts({ pricingType: "VOLUME", tiers }, "USD", [
      ["65000", "49.00"],
      ["10000", "20.00"],
      ["10001", "18.00"], // 10001 × 0.0008 + 10 = 18.0008
      ["100000", "70.00"],
      ["100001", "50.00"], // 40.0004 + 10
      ["1", "10.00"],
      ["0", "0.00"],
    ]);
  });

  it("Lago graduated: $1 for the first 100, $0.50 for the next 100, $0.10 after", () => {
    // https://docs.getlago.com/guide/plans/charges/charge-models/graduated
    const tiers = [{ upperBound: "100", price: "1" }, { upperBound: "200", price: "0.50" }, { price: "0.10" }];
    expectAmounts({ pricingType: "GRADUATED", tiers }, "USD", [
      ["100", "100.00"],
      ["150", "125.00"],
      ["200", "150.00"],
      ["250", "155.00"],
    ]);
  });

  it("Lago graduated percentage: a $500, then $550, then $4,000 transaction cost $205, $306, $80", () => {
    // https://docs.getlago.com/guide/plans/charges/charge-models/graduated-percentage
    // Tiers 0-1,000 at 1% + $200, 1,001-10,000 at 2% + $300, above at 3% + $400. Lago prices the
    // running total, so our line for the cumulative base equals the sum of Lago's transactions.
    const tiers = [
      { upperBound: "1000", price: "1", fee: "200", isPricePercentage: true },
      { upperBound: "10000", price: "2", fee: "300", isPricePercentage: true },
      { price: "3", fee: "400", isPricePercentage: true },
    ];
    expectAmounts({ pricingType: "GRADUATED", tiers }, "USD", [
      ["500", "205.00"],
      ["1050", "511.00"], // 205 + 306
      ["5050", "591.00"], // 205 + 306 + 80
      ["10001", "1090.03"], // 10 + 180 + 0.03 + 200 + 300 + 400
    ]);
  });

  it("percentage tiers in VOLUME", () => {
    const tiers = [{ upperBound: "1000", price: "3", isPricePercentage: true }, { price: "2.5", isPricePercentage: true }];
    expectAmounts({ pricingType: "VOLUME", tiers }, "EUR", [
      ["1000", "30.00"],
      ["1000.01", "25.00"], // 25.00025
      ["2000", "50.00"],
    ]);
  });

  it("a single open tier is linear pricing", () => {
    expectAmounts({ pricingType: "GRADUATED", tiers: [{ price: "2.5" }] }, "USD", [["4", "10.00"]]);
    expectAmounts({ pricingType: "VOLUME", tiers: [{ price: "2.5", fee: "1" }] }, "USD", [["4", "11.00"]]);
  });

  it("fractional bounds and the open tier", () => {
    const tiers = [{ upperBound: "0.5", price: "10" }, { upperBound: "1.25", price: "8" }, { price: "1" }];
    expectAmounts({ pricingType: "GRADUATED", tiers }, "USD", [
      ["0.5", "5.00"],
      ["0.500000000001", "5.00"],
      ["1.25", "11.00"],
      ["1000000", "1000009.75"],
    ]);
    expectAmounts({ pricingType: "VOLUME", tiers }, "JPY", [
      ["0.5", "5"],
      ["0.75", "6"],
      ["1000000", "1000000"],
    ]);
  });
});

describe("PACKAGE: ceil(quantity / packageSize) × pricePerPackage", () => {
  it("Lago package: $5 per 100 units", () => {
    // https://docs.getlago.com/guide/plans/charges/charge-models/package — Lago's example also gives
    // the first 100 units free (201 units -> $10); we have no free units, so 201 units are 3 packages.
    expectAmounts({ pricingType: "PACKAGE", packageSize: "100", pricePerPackage: "5" }, "USD", [
      ["0", "0.00"],
      ["1", "5.00"],
      ["99", "5.00"],
      ["100", "5.00"], // exact multiple
      ["100.000000000001", "10.00"],
      ["101", "10.00"],
      ["200", "10.00"],
      ["201", "15.00"],
      ["1000000", "50000.00"],
    ]);
  });

  it("fractional package sizes and quantities", () => {
    expectAmounts({ pricingType: "PACKAGE", packageSize: "0.3", pricePerPackage: "1.10" }, "USD", [
      ["0.9", "3.30"], // exactly 3 packages: no float 0.9 / 0.3 = 3.0000000000000004
      ["0.900000000001", "4.40"],
      ["0.1", "1.10"],
    ]);
    expectAmounts({ pricingType: "PACKAGE", packageSize: "2.5", pricePerPackage: "1000" }, "JPY", [["5", "2000"]]);
  });
});

describe("SEAT_BASED", () => {
  it("Sequence linear seats: 27 seats at £15", () => {
    // https://docs.sequencehq.com/plans-products/seat-based-pricing
    expectAmounts({ pricingType: "SEAT_BASED", pricePerSeat: "15" }, "GBP", [
      ["27", "405.00"],
      ["0", "0.00"],
      ["1", "15.00"],
    ]);
  });

  it("Sequence graduated seats: the first 15 seats at £12, every seat after at £15", () => {
    // https://docs.sequencehq.com/plans-products/seat-based-pricing
    const tiers = [{ upperBound: "15", price: "12" }, { price: "15" }];
    expectAmounts({ pricingType: "SEAT_BASED", tiers }, "GBP", [
      ["14", "168.00"],
      ["15", "180.00"],
      ["16", "195.00"],
      ["27", "360.00"],
    ]);
  });

  it("Sequence contracted minimum: 100 seats contracted, 90 used, 100 billed", () => {
    // https://docs.sequencehq.com/plans-products/seat-based-pricing
    const seats: PriceStructure = { pricingType: "SEAT_BASED", pricePerSeat: "15", contractedMinimumSeats: 100 };
    expectAmounts(seats, "USD", [
      ["90", "1500.00"],
      ["0", "1500.00"], // the minimum is owed by contract, even with no seats in use
      ["100", "1500.00"],
      ["101", "1515.00"],
    ]);
  });

  it("included seats are a free first tier; tier fees apply as in GRADUATED", () => {
    const tiers = [{ upperBound: "5", price: "0" }, { upperBound: "50", price: "20", fee: "100" }, { price: "15" }];
    expectAmounts({ pricingType: "SEAT_BASED", tiers, contractedMinimumSeats: 2 }, "EUR", [
      ["0", "0.00"],
      ["5", "0.00"],
      ["6", "120.00"],
      ["50", "1000.00"],
      ["51", "1015.00"],
    ]);
  });

  it("counts seats in whole numbers", () => {
    const error = thrown(() => priceAmount({ pricingType: "SEAT_BASED", pricePerSeat: "15" }, "2.5", "USD"));
    expect(error).toBeInstanceOf(PricingError);
    expect((error as PricingError).code).toBe("invalid_quantity");
    expect(priceAmount({ pricingType: "SEAT_BASED", pricePerSeat: "15" }, "3.000", "USD")).toBe("45.00");
  });
});

describe("currencies and quantities", () => {
  const fixed: PriceStructure = { pricingType: "FIXED", price: "10" };

  it("writes every amount with the currency's digits", () => {
    expect(priceAmount(fixed, "1", "JPY")).toBe("10");
    expect(priceAmount(fixed, "1", "USD")).toBe("10.00");
    expect(priceAmount(fixed, "1", "KWD")).toBe("10.000");
    expect(priceAmount(fixed, "1", "CLF")).toBe("10.0000");
    expect(priceAmount(fixed, "0", "KWD")).toBe("0.000");
  });

  it.each(["ZZZ", "usd", "XXX", ""])("throws on currency %j", (currency) => {
    const error = thrown(() => priceAmount(fixed, "1", currency));
    expect(error).toBeInstanceOf(MoneyError);
    expect((error as MoneyError).code).toBe("unknown_currency");
  });

  it.each(["-1", "-0", "1e3", "+1", " 1", "NaN", "Infinity", "", "1.", "0.0000000000001", "1000000000000001"])(
    "throws on quantity %j",
    (quantity) => {
      const error = thrown(() => priceAmount(fixed, quantity, "USD"));
      expect(error).toBeInstanceOf(PricingError);
      expect((error as PricingError).code).toBe("invalid_quantity");
      expect((error as PricingError).details[0]?.path).toBe("quantity");
    },
  );

  it("refuses an invalid structure it is handed", () => {
    const error = thrown(() => priceAmount({ pricingType: "PACKAGE", packageSize: "0", pricePerPackage: "5" }, "1", "USD"));
    expect(error).toBeInstanceOf(PricingError);
    expect((error as PricingError).code).toBe("invalid_structure");
    expect((error as PricingError).details).toEqual([{ path: "packageSize", message: "must be greater than 0" }]);
  });
});

describe("validation: precise issues with paths", () => {
  it("accepts every model", () => {
    const valid: PriceStructure[] = [
      { pricingType: "FIXED", price: "1250.00" },
      { pricingType: "ONE_TIME", price: "0" },
      { pricingType: "LINEAR", pricePerUnit: "0.000000000001" },
      { pricingType: "LINEAR", pricePerUnit: "2.9", isPricePercentage: true, minPrice: "0.30", maxPrice: "0.30" },
      { pricingType: "VOLUME", tiers: [{ upperBound: "10", price: "1", fee: "0" }, { price: "0.5" }] },
      { pricingType: "GRADUATED", tiers: [{ price: "1" }] },
      { pricingType: "PACKAGE", packageSize: "0.5", pricePerPackage: "3" },
      { pricingType: "SEAT_BASED", pricePerSeat: "15", contractedMinimumSeats: 0 },
      { pricingType: "SEAT_BASED", tiers: [{ upperBound: "10", price: "0" }, { price: "9", fee: "1" }] },
    ];
    for (const structure of valid) expect(issues(structure)).toEqual([]);
  });

  it("tiers out of order, equal or not above zero", () => {
    expect(
      issues({
        pricingType: "GRADUATED",
        tiers: [{ upperBound: "100", price: "1" }, { upperBound: "200", price: "1" }, { upperBound: "150", price: "1" }, { price: "1" }],
      }),
    ).toEqual(["tiers.2.upperBound: must be greater than the previous tier's upperBound (200)"]);
    expect(
      issues({ pricingType: "VOLUME", tiers: [{ upperBound: "100", price: "1" }, { upperBound: "100.0", price: "1" }, { price: "1" }] }),
    ).toEqual(["tiers.1.upperBound: must be greater than the previous tier's upperBound (100)"]);
    expect(issues({ pricingType: "VOLUME", tiers: [{ upperBound: "0", price: "1" }, { price: "1" }] })).toEqual([
      "tiers.0.upperBound: must be greater than 0",
    ]);
  });

  it("a closed last tier and an open tier before the last", () => {
    expect(issues({ pricingType: "GRADUATED", tiers: [{ upperBound: "10", price: "1" }, { upperBound: "20", price: "1" }] })).toEqual([
      "tiers.1.upperBound: the last tier must be open: remove its upperBound",
    ]);
    expect(issues({ pricingType: "GRADUATED", tiers: [{ upperBound: "10", price: "1" }, { price: "1" }, { price: "2" }] })).toEqual([
      "tiers.1.upperBound: only the last tier may be open: give this tier an upperBound",
    ]);
    expect(issues({ pricingType: "VOLUME", tiers: [] })).toEqual(["tiers: give at least one tier"]);
  });

  it("negative and non-numeric amounts", () => {
    expect(issues({ pricingType: "FIXED", price: "-1" })).toEqual(["price: must not be negative"]);
    expect(issues({ pricingType: "FIXED", price: "ten" })[0]).toMatch(/^price: must be a plain decimal string/);
    expect(issues({ pricingType: "FIXED", price: 10 })).toEqual(['price: must be a decimal string such as "12.50"']);
    expect(issues({ pricingType: "FIXED", price: "1e3" })[0]).toMatch(/^price: must be a plain decimal string/);
    expect(issues({ pricingType: "FIXED", price: "0.0000000000001" })).toEqual(["price: must have at most 12 decimal places"]);
    expect(issues({ pricingType: "FIXED", price: "1000000000000001" })).toEqual(["price: must be at most 1000000000000000 in magnitude"]);
    expect(issues({ pricingType: "GRADUATED", tiers: [{ upperBound: "10", price: "1", fee: "-5" }, { price: "NaN" }] })).toEqual([
      "tiers.0.fee: must not be negative",
      expect.stringMatching(/^tiers\.1\.price: must be a plain decimal string/),
    ]);
    expect(issues({ pricingType: "VOLUME", tiers: [{ upperBound: "-10", price: "1" }, { price: "1" }] })).toEqual([
      "tiers.0.upperBound: must not be negative",
    ]);
  });

  it("unknown or missing pricingType, unknown fields, missing fields", () => {
    const oneOf = "pricingType: pricingType must be one of FIXED, ONE_TIME, LINEAR, VOLUME, GRADUATED, PACKAGE, SEAT_BASED";
    expect(issues({ pricingType: "TIERED", price: "1" })).toEqual([oneOf]);
    expect(issues({ price: "1" })).toEqual([oneOf]);
    expect(issues(null)).toHaveLength(1);
    expect(issues({ pricingType: "FIXED", price: "1", pricePerUnit: "1" })[0]).toMatch(/pricePerUnit/);
    expect(issues({ pricingType: "VOLUME", tiers: [{ upper_bound: "10", price: "1" }, { price: "1" }] })[0]).toMatch(/upper_bound/);
    expect(issues({ pricingType: "FIXED" })[0]).toMatch(/^price: /);
    expect(issues({ pricingType: "VOLUME", tiers: [{ price: "1", isPricePercentage: "yes" }] })[0]).toMatch(/^tiers\.0\.isPricePercentage: /);
  });

  it("packageSize must be above zero", () => {
    expect(issues({ pricingType: "PACKAGE", packageSize: "0", pricePerPackage: "5" })).toEqual(["packageSize: must be greater than 0"]);
    expect(issues({ pricingType: "PACKAGE", packageSize: "0.000", pricePerPackage: "5" })).toEqual(["packageSize: must be greater than 0"]);
    expect(issues({ pricingType: "PACKAGE", packageSize: "-100", pricePerPackage: "5" })).toEqual(["packageSize: must not be negative"]);
  });

  it("percentages: at most 100, min/max only on percentage prices, min not above max", () => {
    expect(issues({ pricingType: "LINEAR", pricePerUnit: "101", isPricePercentage: true })).toEqual(["pricePerUnit: a percentage price must be at most 100"]);
    expect(issues({ pricingType: "LINEAR", pricePerUnit: "101" })).toEqual([]);
    expect(issues({ pricingType: "LINEAR", pricePerUnit: "1", minPrice: "1" })).toEqual([
      "minPrice: minPrice applies only to percentage prices (isPricePercentage: true)",
    ]);
    expect(issues({ pricingType: "LINEAR", pricePerUnit: "1", isPricePercentage: true, minPrice: "5", maxPrice: "4.99" })).toEqual([
      "maxPrice: must not be less than minPrice",
    ]);
    expect(issues({ pricingType: "VOLUME", tiers: [{ price: "150", isPricePercentage: true }] })).toEqual([
      "tiers.0.price: a percentage price must be at most 100",
    ]);
  });

  it("seat-based: pricePerSeat or tiers, whole seats", () => {
    expect(issues({ pricingType: "SEAT_BASED" })).toEqual(["pricePerSeat: give pricePerSeat (one price for every seat) or tiers (graduated)"]);
    expect(issues({ pricingType: "SEAT_BASED", pricePerSeat: "1", tiers: [{ price: "1" }] })).toEqual([
      "tiers: give either pricePerSeat (one price for every seat) or tiers (graduated), not both",
    ]);
    expect(issues({ pricingType: "SEAT_BASED", tiers: [{ upperBound: "2.5", price: "1" }, { price: "1" }] })).toEqual([
      "tiers.0.upperBound: must have at most 0 decimal places",
    ]);
    expect(issues({ pricingType: "SEAT_BASED", pricePerSeat: "1", contractedMinimumSeats: 2.5 })[0]).toMatch(/^contractedMinimumSeats: /);
    expect(issues({ pricingType: "SEAT_BASED", pricePerSeat: "1", contractedMinimumSeats: -1 })[0]).toMatch(/^contractedMinimumSeats: /);
    expect(issues({ pricingType: "SEAT_BASED", pricePerSeat: "1", contractedMinimumSeats: "10" })[0]).toMatch(/^contractedMinimumSeats: /);
  });

  it("the preview body: currency, structure and a non-negative quantity", () => {
    const ok = pricingPreviewSchema.safeParse({ currency: "USD", structure: { pricingType: "FIXED", price: "10" }, quantity: "2" });
    expect(ok.success).toBe(true);
    const bad = pricingPreviewSchema.safeParse({ currency: "usd", structure: { pricingType: "FIXED", price: "10" }, quantity: "-2" });
    expect(bad.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["currency", 'must be an active ISO 4217 currency code such as "USD"'],
      ["quantity", "must not be negative"],
    ]);
  });

  it("paths nest under the request body (structure.tiers.2.upperBound)", () => {
    const body = z.object({ currency: z.string(), structure: priceStructureSchema });
    const result = body.safeParse({
      currency: "USD",
      structure: {
        pricingType: "GRADUATED",
        tiers: [{ upperBound: "10", price: "1" }, { upperBound: "20", price: "1" }, { upperBound: "15", price: "1" }, { price: "1" }],
      },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["structure.tiers.2.upperBound", "must be greater than the previous tier's upperBound (20)"],
    ]);
  });
});
