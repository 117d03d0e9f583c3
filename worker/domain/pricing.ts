// The pricing engine: what a quantity of one price costs for one billing period (DESIGN.md §3,
// API.md "pricing preview"). Pure, no I/O. Field names follow Sequence's price structures.
//
// Rules shared by every model (tested in tests/domain/pricing.test.ts):
// - Quantities are non-negative decimals (up to 12 places); the amount is computed exactly and rounded
//   once, half away from zero, to the currency's minor units.
// - Tiers: `upperBound` is INCLUSIVE (as Stripe's `up_to` and Sequence's tiers): with bounds 10 and 20,
//   quantity 10 is in the first tier and 10.5 or 11 in the second. Tier i covers (previous bound, its bound];
//   the first starts above 0 and the last is open.
// - A tier's `fee` is charged only when some quantity falls in that tier. So quantity 0 costs "0.00"
//   in every usage model, VOLUME included: no unit reaches any tier. (Lago and OpenMeter bill the first
//   tier's flat fee even at zero usage; we don't, so VOLUME and GRADUATED agree inside the first tier.
//   A charge owed regardless of usage is a FIXED price or a minimum.)
// - `isPricePercentage`: the price is a percentage (0–100) and the quantity is a monetary base in the
//   line's currency (e.g. payment volume): amount = quantity × price / 100.
import { z } from "zod";
import {
  Decimal,
  MAX_MAGNITUDE,
  ONE,
  ONE_HUNDRED,
  ZERO,
  exceedsMaxMagnitude,
  readDecimal,
  toFixedDigits,
  type DecimalRules,
} from "./decimal.ts";
import { currencySchema, decimalString, minorUnits, quantitySchema } from "./money.ts";

export const PRICING_TYPES = ["FIXED", "ONE_TIME", "LINEAR", "VOLUME", "GRADUATED", "PACKAGE", "SEAT_BASED"] as const;
export type PricingType = (typeof PRICING_TYPES)[number];

export type PricingErrorCode = "invalid_structure" | "invalid_quantity" | "amount_out_of_range";

export class PricingError extends Error {
  readonly code: PricingErrorCode;
  readonly details: readonly PricingIssue[];
  constructor(code: PricingErrorCode, message: string, details: readonly PricingIssue[] = []) {
    super(message);
    this.name = "PricingError";
    this.code = code;
    this.details = details;
  }
}

/** One problem in a price structure; `path` is dotted from the structure ("tiers.2.upperBound"). */
export interface PricingIssue {
  path: string;
  message: string;
}

// ---- field rules ----

/** Prices, fees, min/max: never negative, up to 12 decimals (combined before the line is rounded). */
const PRICE: DecimalRules = { nonNegative: true };
/** Tier bounds: a quantity. */
const BOUND: DecimalRules = { nonNegative: true };
/** Seats are counted whole. */
const SEAT_BOUND: DecimalRules = { nonNegative: true, maxDecimals: 0 };
const PACKAGE_SIZE: DecimalRules = { positive: true };
const QUANTITY: DecimalRules = { nonNegative: true };

const price = decimalString(PRICE);

/** A field's number, or null when it is missing or breaks its rules (the field's own issue says why). */
function numberOf(value: unknown, rules: DecimalRules): Decimal | null {
  const read = readDecimal(value, rules);
  return typeof read === "string" ? null : read;
}

// ---- cross-field rules of the schema ----
// The engine's reader (readStructure, below) applies the same rules to the numbers it has already
// parsed; a property test holds the two to the same verdict on any input.

interface Issue {
  path: (string | number)[];
  message: string;
}

/** Bounds strictly ascending, every tier closed except the last, which is open. */
function tierBoundIssues(tiers: readonly { upperBound?: string }[], boundRules: DecimalRules): Issue[] {
  const issues: Issue[] = [];
  let previous: Decimal = ZERO;
  let previousText: string | null = null;
  tiers.forEach((tier, index) => {
    const path = [index, "upperBound"];
    if (index === tiers.length - 1) {
      if (tier.upperBound !== undefined) issues.push({ path, message: "the last tier must be open: remove its upperBound" });
      return;
    }
    if (tier.upperBound === undefined) {
      issues.push({ path, message: "only the last tier may be open: give this tier an upperBound" });
      return;
    }
    const bound = numberOf(tier.upperBound, boundRules);
    if (bound === null) return;
    if (bound.lte(previous)) {
      issues.push({
        path,
        message:
          previousText === null
            ? "must be greater than 0"
            : `must be greater than the previous tier's upperBound (${previousText})`,
      });
      return;
    }
    previous = bound;
    previousText = tier.upperBound;
  });
  return issues;
}

/** A percentage price (`key`: a tier's `price`, LINEAR's `pricePerUnit`) is at most 100. */
function percentagePriceIssues(percent: boolean | undefined, value: string, key: string): Issue[] {
  const price = percent === true ? numberOf(value, PRICE) : null;
  return price !== null && price.gt(ONE_HUNDRED) ? [{ path: [key], message: "a percentage price must be at most 100" }] : [];
}

function linearIssues(value: { pricePerUnit: string; isPricePercentage?: boolean; minPrice?: string; maxPrice?: string }): Issue[] {
  const issues = percentagePriceIssues(value.isPricePercentage, value.pricePerUnit, "pricePerUnit");
  if (!value.isPricePercentage) {
    for (const key of ["minPrice", "maxPrice"] as const) {
      if (value[key] !== undefined) {
        issues.push({ path: [key], message: `${key} applies only to percentage prices (isPricePercentage: true)` });
      }
    }
  } else {
    const min = numberOf(value.minPrice, PRICE);
    const max = numberOf(value.maxPrice, PRICE);
    if (min !== null && max !== null && min.gt(max)) issues.push({ path: ["maxPrice"], message: "must not be less than minPrice" });
  }
  return issues;
}

function seatIssues(value: { pricePerSeat?: string; tiers?: unknown[] }): Issue[] {
  if (value.pricePerSeat !== undefined && value.tiers !== undefined) {
    return [{ path: ["tiers"], message: "give either pricePerSeat (one price for every seat) or tiers (graduated), not both" }];
  }
  if (value.pricePerSeat === undefined && value.tiers === undefined) {
    return [{ path: ["pricePerSeat"], message: "give pricePerSeat (one price for every seat) or tiers (graduated)" }];
  }
  return [];
}

function report(issues: Issue[], ctx: z.RefinementCtx) {
  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}

// ---- schemas ----

const tierSchema = z
  .strictObject({
    upperBound: decimalString(BOUND).optional(),
    price,
    fee: price.optional(),
    isPricePercentage: z.boolean().optional(),
  })
  .superRefine((tier, ctx) => report(percentagePriceIssues(tier.isPricePercentage, tier.price, "price"), ctx));

const tiersSchema = z
  .array(tierSchema)
  .min(1, { message: "give at least one tier" })
  .superRefine((tiers, ctx) => report(tierBoundIssues(tiers, BOUND), ctx));

const seatTierSchema = z.strictObject({
  upperBound: decimalString(SEAT_BOUND).optional(),
  price,
  fee: price.optional(),
});

const seatTiersSchema = z
  .array(seatTierSchema)
  .min(1, { message: "give at least one tier" })
  .superRefine((tiers, ctx) => report(tierBoundIssues(tiers, SEAT_BOUND), ctx));

/** A flat price per unit per billing period; quantity is the number of units (usually 1). */
export const fixedPriceSchema = z.strictObject({ pricingType: z.literal("FIXED"), price });
/** Like FIXED, billed once. */
export const oneTimePriceSchema = z.strictObject({ pricingType: z.literal("ONE_TIME"), price });
/**
 * Per unit: pricePerUnit × quantity. Percentage (`isPricePercentage: true`): quantity is the monetary
 * base, amount = quantity × pricePerUnit / 100, then clamped to [minPrice, maxPrice].
 * Sequence applies minPrice/maxPrice to each usage event (a 1.5 % card fee, min 0.20, max 5.00 per
 * payment). A line here carries only the period's total base, so the clamp applies to the line's
 * amount as a whole — which equals Sequence's for a line of one event. Quantity 0 is no usage and
 * costs 0: minPrice does not apply. min/max are only allowed on percentage prices.
 * The field is Sequence's `pricePerUnit` (API.md), not `price`: a client written for Sequence's API
 * sends it unchanged. Prices stored before migration 0006 (entity) were rewritten to it.
 */
export const linearPriceSchema = z
  .strictObject({
    pricingType: z.literal("LINEAR"),
    pricePerUnit: price,
    isPricePercentage: z.boolean().optional(),
    minPrice: price.optional(),
    maxPrice: price.optional(),
  })
  .superRefine((value, ctx) => report(linearIssues(value), ctx));
/** Every unit at the price of the tier the quantity reaches, plus that tier's fee. */
export const volumePriceSchema = z.strictObject({ pricingType: z.literal("VOLUME"), tiers: tiersSchema });
/** Each tier in turn: the units within its band at its price, plus its fee when any unit falls in it. */
export const graduatedPriceSchema = z.strictObject({ pricingType: z.literal("GRADUATED"), tiers: tiersSchema });
/** ceil(quantity / packageSize) × pricePerPackage. */
export const packagePriceSchema = z.strictObject({
  pricingType: z.literal("PACKAGE"),
  packageSize: decimalString(PACKAGE_SIZE),
  pricePerPackage: price,
});
/**
 * Seats (Sequence's SEAT_BASED): quantity is a whole number of seats; the seats billed are
 * max(quantity, contractedMinimumSeats). Either `pricePerSeat` (linear: every seat the same) or
 * graduated `tiers` (whole-seat upperBounds, optional per-tier fee). Included (free) seats are a
 * first tier at price "0". Proration and overage cadence belong to billing schedules, not here.
 */
export const seatBasedPriceSchema = z
  .strictObject({
    pricingType: z.literal("SEAT_BASED"),
    pricePerSeat: price.optional(),
    tiers: seatTiersSchema.optional(),
    contractedMinimumSeats: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .superRefine((value, ctx) => report(seatIssues(value), ctx));

export const priceStructureSchema = z.discriminatedUnion(
  "pricingType",
  [
    fixedPriceSchema,
    oneTimePriceSchema,
    linearPriceSchema,
    volumePriceSchema,
    graduatedPriceSchema,
    packagePriceSchema,
    seatBasedPriceSchema,
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union" ? `pricingType must be one of ${PRICING_TYPES.join(", ")}` : undefined,
  },
);

export type PriceStructure = z.infer<typeof priceStructureSchema>;
export type PriceTier = z.infer<typeof tierSchema>;
export type SeatTier = z.infer<typeof seatTierSchema>;

/**
 * The body of POST /pricing/preview (API.md): `{currency, structure, quantity}` → priceAmount.
 * A fractional seat count or an amount past 1e15 is refused later by priceAmount (PricingError).
 */
export const pricingPreviewSchema = z.object({
  currency: currencySchema,
  structure: priceStructureSchema,
  quantity: quantitySchema,
});
export type PricingPreview = z.infer<typeof pricingPreviewSchema>;

export type ValidationResult =
  | { success: true; data: PriceStructure }
  | { success: false; issues: PricingIssue[] };

/** Validate unknown input as a price structure; issues carry dotted paths ("tiers.2.upperBound"). */
export function validatePriceStructure(input: unknown): ValidationResult {
  const parsed = priceStructureSchema.safeParse(input);
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
  };
}

// ---- the engine ----

/** A price ready to be applied: structure validated and every number parsed once. */
export interface CompiledPrice {
  readonly pricingType: PricingType;
  /** The exact, unrounded amount for `quantity` (already validated). */
  exact(quantity: Decimal): Decimal;
  /** The amount for `quantity`, rounded to the currency (same as priceAmount). */
  amount(quantity: string, currency: string): string;
}

/** A tier with its numbers read. */
interface ReadTier {
  upper: Decimal | null;
  price: Decimal;
  fee: Decimal | null;
  percent: boolean;
}

/**
 * One tier, precomputed so that pricing a quantity q that falls in it is one multiply and one add:
 * amount = q × factor + offset. For VOLUME the offset is the tier's fee. For GRADUATED it folds in
 * everything below the tier: offset = (sum of the full tiers below, fees included) + fee − lower × factor,
 * which is exact algebra on decimals (q × f + base + fee − lower × f = base + (q − lower) × f + fee).
 */
interface Segment {
  /** Inclusive upper bound; null for the open last tier. */
  upper: Decimal | null;
  /** The tier's price per unit, or price / 100 for a percentage tier. */
  factor: Decimal;
  offset: Decimal | null;
}

const ONE_HUNDREDTH = new Decimal("0.01");

function segmentsOf(tiers: readonly ReadTier[], mode: "VOLUME" | "GRADUATED"): Segment[] {
  let lower = ZERO;
  let below = ZERO; // GRADUATED: the amount of every full tier under this one
  return tiers.map((tier) => {
    const factor = tier.percent ? tier.price.times(ONE_HUNDREDTH) : tier.price; // × 0.01 is exact; ÷ 100 to 40 places is slow
    if (mode === "VOLUME") return { upper: tier.upper, factor, offset: tier.fee !== null && tier.fee.c[0] !== 0 ? tier.fee : null };
    const fee = tier.fee ?? ZERO;
    const offset = below.plus(fee).minus(lower.times(factor));
    if (tier.upper !== null) {
      below = below.plus(tier.upper.minus(lower).times(factor)).plus(fee);
      lower = tier.upper;
    }
    return { upper: tier.upper, factor, offset: offset.c[0] === 0 ? null : offset };
  });
}

/** The amount of the tier that `quantity` reaches; zero quantity reaches no tier (no price, no fee). */
function tieredAmount(segments: readonly Segment[], quantity: Decimal): Decimal {
  if (quantity.c[0] === 0) return ZERO;
  for (const segment of segments) {
    if (segment.upper === null || quantity.lte(segment.upper)) {
      const units = quantity.times(segment.factor);
      return segment.offset === null ? units : units.plus(segment.offset);
    }
  }
  return ZERO; // unreachable: the last tier is open (validated)
}

/** Whole numbers only: big.js keeps c without trailing zeros, so a whole value has no digit below 10^0. */
function isWhole(value: Decimal): boolean {
  return value.c[0] === 0 || value.e >= value.c.length - 1;
}

/**
 * Division to a whole number, rounded up: ceil(a / b) in one exact step (big.js rounds a quotient
 * knowing whether a remainder was left). Dividing to Decimal's 40 places instead would cost
 * microseconds per line, and a package count needs no decimals.
 */
const PackageCount = Decimal();
PackageCount.DP = 0;
PackageCount.RM = Decimal.roundUp;
PackageCount.strict = true;

function compiled(pricingType: PricingType, exact: (quantity: Decimal) => Decimal): CompiledPrice {
  return {
    pricingType,
    exact,
    amount(quantity: string, currency: string): string {
      const digits = minorUnits(currency);
      const result = exact(parseQuantity(quantity));
      if (exceedsMaxMagnitude(result)) {
        throw new PricingError("amount_out_of_range", `The amount exceeds ${MAX_MAGNITUDE}`);
      }
      return toFixedDigits(result, digits);
    },
  };
}

/** A quantity string as a Decimal; throws PricingError("invalid_quantity") when it is not one. */
export function parseQuantity(quantity: string): Decimal {
  const read = readDecimal(quantity, QUANTITY);
  if (typeof read === "string") throw new PricingError("invalid_quantity", `quantity ${read}`, [{ path: "quantity", message: read }]);
  return read;
}

// ---- reading a structure in one pass ----
// The engine reads the structure itself (each number parsed once, straight into the form it prices
// with) instead of running the zod schema first, which costs more than pricing. It accepts exactly
// what priceStructureSchema accepts, with the same rules and the same parser (readDecimal); when it
// refuses, the schema is run to explain why. A property test holds the two to the same answer.

type Fields = Record<string, unknown>;

const KEYS: Record<PricingType, readonly string[]> = {
  FIXED: ["pricingType", "price"],
  ONE_TIME: ["pricingType", "price"],
  LINEAR: ["pricingType", "pricePerUnit", "isPricePercentage", "minPrice", "maxPrice"],
  VOLUME: ["pricingType", "tiers"],
  GRADUATED: ["pricingType", "tiers"],
  PACKAGE: ["pricingType", "packageSize", "pricePerPackage"],
  SEAT_BASED: ["pricingType", "pricePerSeat", "tiers", "contractedMinimumSeats"],
};
const TIER_KEYS = ["upperBound", "price", "fee", "isPricePercentage"];
const SEAT_TIER_KEYS = ["upperBound", "price", "fee"];

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** No key beyond `allowed` (the schemas are strict: a misspelt field is an error, not ignored). */
function onlyKeys(fields: Fields, allowed: readonly string[]): boolean {
  for (const key in fields) if (!allowed.includes(key)) return false;
  return true;
}

const INVALID = null;
/** An optional number: undefined when absent, INVALID (null) when present but not acceptable. */
function optional(value: unknown, rules: DecimalRules): Decimal | undefined | null {
  return value === undefined ? undefined : numberOf(value, rules);
}

function readTiers(value: unknown, keys: readonly string[], boundRules: DecimalRules): ReadTier[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const tiers: ReadTier[] = [];
  let previous = ZERO;
  for (let index = 0; index < value.length; index++) {
    const tier: unknown = value[index];
    if (!isFields(tier) || !onlyKeys(tier, keys)) return null;
    const price = numberOf(tier.price, PRICE);
    const fee = optional(tier.fee, PRICE);
    const percent = tier.isPricePercentage;
    if (price === null || fee === INVALID || (percent !== undefined && typeof percent !== "boolean")) return null;
    if (percent === true && price.gt(ONE_HUNDRED)) return null;
    let upper: Decimal | null = null;
    if (index === value.length - 1) {
      if (tier.upperBound !== undefined) return null; // the last tier is open
    } else {
      const bound = numberOf(tier.upperBound, boundRules); // every other tier is closed
      if (bound === null || bound.lte(previous)) return null; // strictly ascending, first above 0
      upper = previous = bound;
    }
    tiers.push({ upper, price, fee: fee ?? null, percent: percent === true });
  }
  return tiers;
}

/** The compiled price, or null when the structure is not one priceStructureSchema accepts. */
function readStructure(structure: unknown): CompiledPrice | null {
  if (!isFields(structure)) return null;
  const pricingType = structure.pricingType;
  if (typeof pricingType !== "string" || !(PRICING_TYPES as readonly string[]).includes(pricingType)) return null;
  const type = pricingType as PricingType;
  if (!onlyKeys(structure, KEYS[type])) return null;
  switch (type) {
    case "FIXED":
    case "ONE_TIME": {
      const unitPrice = numberOf(structure.price, PRICE);
      if (unitPrice === null) return null;
      return compiled(type, (quantity) => quantity.times(unitPrice));
    }
    case "LINEAR": {
      const unitPrice = numberOf(structure.pricePerUnit, PRICE);
      const percent = structure.isPricePercentage;
      const min = optional(structure.minPrice, PRICE);
      const max = optional(structure.maxPrice, PRICE);
      if (unitPrice === null || min === INVALID || max === INVALID) return null;
      if (percent !== undefined && typeof percent !== "boolean") return null;
      if (percent !== true) {
        if (min !== undefined || max !== undefined) return null; // min/max belong to percentage prices
        return compiled("LINEAR", (quantity) => quantity.times(unitPrice));
      }
      if (unitPrice.gt(ONE_HUNDRED) || (min !== undefined && max !== undefined && min.gt(max))) return null;
      const rate = unitPrice.times(ONE_HUNDREDTH);
      return compiled("LINEAR", (quantity) => {
        if (quantity.c[0] === 0) return ZERO; // no usage: minPrice does not apply
        const amount = quantity.times(rate);
        if (min !== undefined && amount.lt(min)) return min;
        if (max !== undefined && amount.gt(max)) return max;
        return amount;
      });
    }
    case "VOLUME":
    case "GRADUATED": {
      const tiers = readTiers(structure.tiers, TIER_KEYS, BOUND);
      if (tiers === null) return null;
      const segments = segmentsOf(tiers, type);
      return compiled(type, (quantity) => tieredAmount(segments, quantity));
    }
    case "PACKAGE": {
      const size = numberOf(structure.packageSize, PACKAGE_SIZE);
      const perPackage = numberOf(structure.pricePerPackage, PRICE);
      if (size === null || perPackage === null) return null;
      // Most package sizes (10, 25, 100, 500, 1000…) have a terminating reciprocal: then the count is an
      // exact multiplication instead of a long division. Others (3, 0.3, 7…) divide.
      const reciprocal = ONE.div(size);
      if (reciprocal.times(size).eq(ONE)) {
        return compiled("PACKAGE", (quantity) => quantity.times(reciprocal).round(0, Decimal.roundUp).times(perPackage));
      }
      return compiled("PACKAGE", (quantity) => {
        if (quantity.c[0] === 0) return ZERO;
        return new PackageCount(quantity).div(size).times(perPackage);
      });
    }
    case "SEAT_BASED": {
      const perSeat = optional(structure.pricePerSeat, PRICE);
      const tiers = structure.tiers === undefined ? undefined : readTiers(structure.tiers, SEAT_TIER_KEYS, SEAT_BOUND);
      const minimum = structure.contractedMinimumSeats;
      if (perSeat === INVALID || tiers === null || (perSeat === undefined) === (tiers === undefined)) return null;
      if (minimum !== undefined && !(Number.isInteger(minimum) && (minimum as number) >= 0 && (minimum as number) <= Number.MAX_SAFE_INTEGER)) {
        return null;
      }
      const minimumSeats = new Decimal(String(minimum ?? 0)); // a whole count, written without exponent below 2^53
      const segments = tiers === undefined ? null : segmentsOf(tiers, "GRADUATED");
      return compiled("SEAT_BASED", (quantity) => {
        if (!isWhole(quantity)) {
          throw new PricingError("invalid_quantity", "seats are counted in whole numbers", [
            { path: "quantity", message: "must be a whole number of seats" },
          ]);
        }
        // The contracted minimum is billed even when fewer seats are used (Sequence).
        const seats = quantity.lt(minimumSeats) ? minimumSeats : quantity;
        return perSeat !== undefined ? seats.times(perSeat) : tieredAmount(segments ?? [], seats);
      });
    }
  }
}

/**
 * Validate `structure` and parse its numbers once; price many quantities with the result
 * (a billing run, or a quote with many lines on one price). Throws PricingError("invalid_structure")
 * carrying the schema's issues.
 */
export function compilePrice(structure: PriceStructure): CompiledPrice {
  const price = readStructure(structure);
  if (price !== null) return price;
  const checked = validatePriceStructure(structure);
  const issues = checked.success
    ? [{ path: "", message: "the engine could not read this price structure" }] // the two disagree: a bug, never silently priced
    : checked.issues;
  const first = issues[0];
  throw new PricingError("invalid_structure", `Invalid price structure: ${first.path ? `${first.path}: ` : ""}${first.message}`, issues);
}

/**
 * The price of `quantity` for one billing period, rounded half away from zero to the currency's
 * minor units ("1250.00", "5" in JPY). Throws MoneyError("unknown_currency"), PricingError
 * ("invalid_structure" | "invalid_quantity" | "amount_out_of_range").
 */
export function priceAmount(structure: PriceStructure, quantity: string, currency: string): string {
  minorUnits(currency); // an unknown currency fails first, whatever else is wrong
  return compilePrice(structure).amount(quantity, currency);
}
