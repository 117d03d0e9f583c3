// Properties of the pricing engine over generated prices and quantities (fast-check).
// References below are written independently of the engine (band by band, division to 40 places).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../worker/domain/decimal.ts";
import { MoneyError, compareMoney, minorUnits, roundMoney, sumMoney } from "../../worker/domain/money.ts";
import {
  PricingError,
  compilePrice,
  priceAmount,
  validatePriceStructure,
  type PriceStructure,
  type PriceTier,
} from "../../worker/domain/pricing.ts";

// ---- generators (decimal strings are built from BigInt digits, never from floats) ----

function formatUnits(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, "0");
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** A non-negative plain decimal string ≤ max with up to maxScale decimals. */
const decimalText = (max: bigint, maxScale: number) =>
  fc
    .integer({ min: 0, max: maxScale })
    .chain((scale) => fc.bigInt({ min: 0n, max: max * 10n ** BigInt(scale) }).map((units) => formatUnits(units, scale)));

const unitPrice = decimalText(10_000n, 12);
const percentage = decimalText(99n, 4);
const fee = decimalText(1_000n, 2);
const currency = fc.constantFrom("USD", "EUR", "JPY", "KWD", "BHD", "CLF", "GBP");

/** Tiers with bounds in tenths, strictly ascending, the last open. */
const tiersArb = (allowPercentage: boolean) =>
  fc
    .array(
      fc.record({
        step: fc.bigInt({ min: 1n, max: 20_000n }),
        percent: allowPercentage ? fc.boolean() : fc.constant(false),
        price: unitPrice,
        percentPrice: percentage,
        fee: fc.option(fee, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((rows) => {
      let bound = 0n;
      return rows.map((row, index): PriceTier => {
        bound += row.step;
        return {
          ...(index < rows.length - 1 ? { upperBound: formatUnits(bound, 1) } : {}),
          price: row.percent ? row.percentPrice : row.price,
          ...(row.fee !== undefined ? { fee: row.fee } : {}),
          ...(row.percent ? { isPricePercentage: true } : {}),
        };
      });
    });

/** Quantities that often land exactly on, just under and just over tier bounds (tenths), or anywhere. */
const quantity = fc.oneof(
  fc.bigInt({ min: 0n, max: 150_000n }).map((tenths) => formatUnits(tenths, 1)),
  decimalText(1_000_000n, 12),
  fc.constantFrom("0", "1", "0.000000000001"),
);

const wholeSeats = fc.bigInt({ min: 0n, max: 100_000n }).map(String);

const structureArb: fc.Arbitrary<PriceStructure> = fc.oneof(
  unitPrice.map((price): PriceStructure => ({ pricingType: "FIXED", price })),
  unitPrice.map((price): PriceStructure => ({ pricingType: "ONE_TIME", price })),
  unitPrice.map((price): PriceStructure => ({ pricingType: "LINEAR", pricePerUnit: price })),
  fc
    .record({ price: percentage, min: fc.option(fee, { nil: undefined }), extra: fc.option(fee, { nil: undefined }) })
    .map(({ price, min, extra }): PriceStructure => ({
      pricingType: "LINEAR",
      pricePerUnit: price,
      isPricePercentage: true,
      ...(min !== undefined ? { minPrice: min } : {}),
      // maxPrice ≥ minPrice by construction
      ...(extra !== undefined ? { maxPrice: new Decimal(min ?? "0").plus(new Decimal(extra)).toString() } : {}),
    })),
  tiersArb(true).map((tiers): PriceStructure => ({ pricingType: "VOLUME", tiers })),
  tiersArb(true).map((tiers): PriceStructure => ({ pricingType: "GRADUATED", tiers })),
  fc
    .record({ size: decimalText(1_000n, 3).filter((size) => !new Decimal(size).eq(new Decimal("0"))), price: unitPrice })
    .map(({ size, price }): PriceStructure => ({ pricingType: "PACKAGE", packageSize: size, pricePerPackage: price })),
  fc
    .record({ price: unitPrice, minimum: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }) })
    .map(({ price, minimum }): PriceStructure => ({
      pricingType: "SEAT_BASED",
      pricePerSeat: price,
      ...(minimum !== undefined ? { contractedMinimumSeats: minimum } : {}),
    })),
  tiersArb(false).map(
    (tiers): PriceStructure => ({
      pricingType: "SEAT_BASED",
      // seat bounds are whole: scale the tenths up
      tiers: tiers.map(({ isPricePercentage: _, upperBound, ...tier }) =>
        upperBound === undefined ? tier : { ...tier, upperBound: BigInt(upperBound.replace(".", "")).toString() },
      ),
    }),
  ),
);

// ---- independent references ----

const ZERO = new Decimal("0");
const HUNDRED = new Decimal("100");
const d = (text: string) => new Decimal(text);
const factor = (tier: PriceTier) => (tier.isPricePercentage ? d(tier.price).div(HUNDRED) : d(tier.price));

/** Band by band: each tier's units at its price, plus its fee when any unit falls in it. */
function graduatedReference(tiers: readonly PriceTier[], q: Decimal): Decimal {
  let total = ZERO;
  let lower = ZERO;
  for (const tier of tiers) {
    if (q.lte(lower)) break;
    const upper = tier.upperBound === undefined ? null : d(tier.upperBound);
    const top = upper === null || q.lt(upper) ? q : upper;
    total = total.plus(top.minus(lower).times(factor(tier))).plus(d(tier.fee ?? "0"));
    if (upper === null) break;
    lower = upper;
  }
  return total;
}

/** The tier the quantity reaches (bounds inclusive). */
function reachedTier(tiers: readonly PriceTier[], q: Decimal): PriceTier {
  return tiers.find((tier) => tier.upperBound === undefined || q.lte(d(tier.upperBound)))!;
}

function amountPattern(digits: number): RegExp {
  return digits === 0 ? /^-?(0|[1-9][0-9]*)$/ : new RegExp(`^-?(0|[1-9][0-9]*)\\.[0-9]{${digits}}$`);
}

// ---- properties ----

describe("pricing properties", () => {
  it("graduated totals never decrease as quantity grows", () => {
    fc.assert(
      fc.property(tiersArb(true), quantity, quantity, currency, (tiers, a, b, code) => {
        const [low, high] = d(a).lte(d(b)) ? [a, b] : [b, a];
        const price = compilePrice({ pricingType: "GRADUATED", tiers });
        expect(price.exact(d(low)).lte(price.exact(d(high)))).toBe(true);
        expect(compareMoney(price.amount(low, code), price.amount(high, code))).toBeLessThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it("graduated equals the band-by-band sum exactly", () => {
    fc.assert(
      fc.property(tiersArb(true), quantity, (tiers, q) => {
        const exact = compilePrice({ pricingType: "GRADUATED", tiers }).exact(d(q));
        expect(exact.eq(graduatedReference(tiers, d(q)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("volume equals the reached tier's unit price × quantity + its fee, before rounding", () => {
    fc.assert(
      fc.property(tiersArb(true), quantity, currency, (tiers, q, code) => {
        const price = compilePrice({ pricingType: "VOLUME", tiers });
        const tier = reachedTier(tiers, d(q));
        const expected = d(q).eq(ZERO) ? ZERO : d(q).times(factor(tier)).plus(d(tier.fee ?? "0"));
        expect(price.exact(d(q)).eq(expected)).toBe(true);
        expect(price.amount(q, code)).toBe(roundMoney(expected, code));
      }),
      { numRuns: 300 },
    );
  });

  it("volume and graduated agree while the quantity stays in the first tier", () => {
    fc.assert(
      fc.property(tiersArb(true), fc.bigInt({ min: 0n, max: 1_000n }), (tiers, tenths) => {
        const first = tiers[0].upperBound;
        const q = first === undefined ? formatUnits(tenths, 1) : formatUnits((tenths * BigInt(first.replace(".", ""))) / 1_000n, 1);
        const volume = compilePrice({ pricingType: "VOLUME", tiers }).exact(d(q));
        const graduated = compilePrice({ pricingType: "GRADUATED", tiers }).exact(d(q));
        expect(volume.eq(graduated)).toBe(true);
      }),
    );
  });

  it("package pricing is a step function: ceil(q / size) packages", () => {
    fc.assert(
      fc.property(
        decimalText(1_000n, 3).filter((size) => !d(size).eq(ZERO)),
        unitPrice,
        fc.bigInt({ min: 0n, max: 10_000n }),
        decimalText(1n, 12),
        (size, perPackage, packages, fraction) => {
          const price = compilePrice({ pricingType: "PACKAGE", packageSize: size, pricePerPackage: perPackage });
          const k = d(packages.toString());
          const edge = k.times(d(size)); // exactly k packages
          expect(price.exact(edge).eq(k.times(d(perPackage)))).toBe(true);
          // Anything above k packages' worth, up to k + 1 packages' worth, costs k + 1 packages.
          const step = d(fraction).eq(ZERO) ? d("0.000000000001") : d(fraction);
          const inside = edge.plus(d(size).times(step.gt(d("1")) ? d("1") : step));
          const q = inside.toFixed(15).replace(/\.?0+$/, "");
          const reference = d(q).div(d(size)).round(0, 3).times(d(perPackage)); // 40-place division, rounded up
          expect(price.exact(d(q)).eq(reference)).toBe(true);
          expect(price.exact(d(q)).eq(k.plus(d("1")).times(d(perPackage)))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("seat-based bills max(seats, contracted minimum)", () => {
    fc.assert(
      fc.property(unitPrice, fc.integer({ min: 0, max: 500 }), wholeSeats, (perSeat, minimum, seats) => {
        const price = compilePrice({ pricingType: "SEAT_BASED", pricePerSeat: perSeat, contractedMinimumSeats: minimum });
        const billed = d(seats).lt(d(String(minimum))) ? d(String(minimum)) : d(seats);
        expect(price.exact(d(seats)).eq(billed.times(d(perSeat)))).toBe(true);
      }),
    );
  });

  it("percentage LINEAR stays within [minPrice, maxPrice] for any usage", () => {
    fc.assert(
      fc.property(percentage, fee, fee, quantity, (rate, min, extra, q) => {
        const max = d(min).plus(d(extra));
        const price = compilePrice({ pricingType: "LINEAR", pricePerUnit: rate, isPricePercentage: true, minPrice: min, maxPrice: max.toString() });
        const amount = price.exact(d(q));
        if (d(q).eq(ZERO)) expect(amount.eq(ZERO)).toBe(true);
        else expect(amount.gte(d(min)) && amount.lte(max)).toBe(true);
      }),
    );
  });

  it("every amount has exactly the currency's minor digits and is never negative", () => {
    fc.assert(
      fc.property(structureArb, fc.oneof(quantity, wholeSeats), currency, (structure, q, code) => {
        let amount: string;
        try {
          amount = priceAmount(structure, q, code);
        } catch (error) {
          // Only a fractional seat count, or an amount past 1e15, may be refused.
          expect(error).toBeInstanceOf(PricingError);
          expect(["invalid_quantity", "amount_out_of_range"]).toContain((error as PricingError).code);
          return;
        }
        expect(amount).toMatch(amountPattern(minorUnits(code)));
        expect(amount.startsWith("-")).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("lines priced one by one add up to their sum exactly", () => {
    const line = fc.record({ structure: structureArb, quantity: wholeSeats });
    fc.assert(
      fc.property(fc.array(line, { minLength: 0, maxLength: 25 }), currency, (lines, code) => {
        const amounts = lines.map((l) => priceAmount(l.structure, l.quantity, code));
        const total = sumMoney(amounts, code);
        expect(total).toMatch(amountPattern(minorUnits(code)));
        const exact = amounts.reduce((sum, amount) => sum.plus(d(amount)), ZERO);
        expect(d(total).eq(exact)).toBe(true);
        expect(sumMoney([...amounts].reverse(), code)).toBe(total);
        // Removing every line from the total leaves exactly nothing.
        expect(amounts.reduce((rest, amount) => rest.minus(d(amount)), d(total)).eq(ZERO)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("no input makes the engine answer NaN, Infinity, exponent notation or a float-shaped string", () => {
    const anyQuantity = fc.oneof(
      quantity,
      fc.string(),
      fc.constantFrom("NaN", "Infinity", "-Infinity", "1e21", "1e-7", "0.30000000000000004", "-0", "1000000000000000", "999999999999999.999999999999"),
    );
    const anyCurrency = fc.oneof(currency, fc.constantFrom("usd", "XXX", "ZZZ", ""));
    fc.assert(
      fc.property(structureArb, anyQuantity, anyCurrency, (structure, q, code) => {
        try {
          const amount = priceAmount(structure, q, code);
          expect(amount).toMatch(amountPattern(minorUnits(code)));
          expect(amount).not.toMatch(/NaN|Infinity|e/i);
        } catch (error) {
          expect(error instanceof PricingError || error instanceof MoneyError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("validation never throws, and the engine refuses exactly what validation refuses", () => {
    // Valid structures with one field replaced by something arbitrary.
    const mutated = fc
      .tuple(structureArb, fc.constantFrom("price", "tiers", "packageSize", "pricePerSeat", "upperBound", "fee", "pricingType", "minPrice", "extra"), fc.anything())
      .map(([structure, key, value]) => {
        const copy = JSON.parse(JSON.stringify(structure)) as Record<string, unknown>;
        if (key === "upperBound" || key === "fee") {
          const tiers = copy.tiers as Record<string, unknown>[] | undefined;
          if (tiers && tiers.length > 0) tiers[0][key] = value;
        } else {
          copy[key] = value;
        }
        return copy as unknown;
      });
    // Valid structures with one targeted near-miss: the rules the engine re-checks on its own.
    const nearMiss = fc
      .tuple(
        structureArb,
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom<unknown>("150", "-1", "1e3", "0.0000000000001", "1000000000000001", "0", "100", 1.5, -1, 2 ** 53, Number.NaN, "3", undefined, null),
      )
      .map(([structure, mutation, value]) => {
        const copy = JSON.parse(JSON.stringify(structure)) as Record<string, any>;
        const tiers = copy.tiers as Record<string, unknown>[] | undefined;
        const at = tiers ? Math.min(1, tiers.length - 1) : 0;
        switch (mutation) {
          case 0: if (tiers && tiers.length > 2) [tiers[0].upperBound, tiers[1].upperBound] = [tiers[1].upperBound, tiers[0].upperBound]; break;
          case 1: if (tiers && tiers.length > 2) tiers[1].upperBound = tiers[0].upperBound; break;
          case 2: if (tiers) tiers[tiers.length - 1].upperBound = "1000000"; break;
          case 3: if (tiers && tiers.length > 1) delete tiers[0].upperBound; break;
          case 4: copy.isPricePercentage = true; copy.price = value; break;
          case 5: copy.minPrice = value; break;
          case 6: copy.maxPrice = value; copy.minPrice = "5"; break;
          case 7: copy.extra = value; break;
          case 8: if (tiers) tiers[at].fee = value; break;
          case 9: copy.contractedMinimumSeats = value; break;
          case 10: copy.pricePerSeat = "1"; break;
          case 11: delete copy.pricePerSeat; delete copy.tiers; break;
          case 12: copy.price = value; break;
          case 13: if (tiers) tiers.length = 0; break;
          case 14: if (tiers) { tiers[at].isPricePercentage = true; tiers[at].price = value; } break;
          case 15: if (tiers) tiers[at].upperBound = value; break;
          case 16: copy.packageSize = value; break;
          case 17: if (tiers) tiers[at].extra = value; break;
        }
        return copy as unknown;
      });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated, nearMiss, structureArb), (input) => {
        const result = validatePriceStructure(input);
        let compiled = true;
        try {
          compilePrice(input as PriceStructure);
        } catch (error) {
          expect(error).toBeInstanceOf(PricingError);
          expect((error as PricingError).code).toBe("invalid_structure");
          compiled = false;
        }
        expect(compiled).toBe(result.success);
        if (!result.success) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) expect(typeof issue.message).toBe("string");
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("generated structures are all valid", () => {
    fc.assert(
      fc.property(structureArb, (structure) => {
        expect(validatePriceStructure(structure)).toEqual({ success: true, data: structure });
      }),
    );
  });

  it("rounding moves an amount by at most half a minor unit, ties away from zero", () => {
    fc.assert(
      fc.property(fc.boolean(), decimalText(1_000_000n, 8), currency, (negative, text, code) => {
        const amount = negative && !d(text).eq(ZERO) ? `-${text}` : text;
        const rounded = roundMoney(amount, code);
        const half = d("0.5").times(d("1").div(d("10").pow(minorUnits(code))));
        const moved = d(rounded).minus(d(amount));
        expect(moved.abs().lte(half)).toBe(true);
        if (moved.abs().eq(half)) expect(d(rounded).abs().gt(d(amount).abs())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
