// Pricing engine throughput against a floor: the same models priced with JavaScript floats.
// Run: npx node bench/pricing.bench.ts   (plain Node script, no test framework)
//
// 100,000 lines from a seeded PRNG (identical every run) over a catalog of 400 prices of every model,
// in USD/EUR/GBP/JPY/KWD, priced three ways:
//   engine    – compilePrice once per catalog price (timed too), then each line priced: how a billing
//               run or a quote's totals price many lines against a few prices
//   per line  – priceAmount(structure, quantity, currency): reads and checks the structure every time
//   float     – a naive parseFloat/toFixed implementation of the same models, reading the structure
//               every time as naive code would (the floor; it is wrong on some lines, which are counted)
// Each round times the three in turn (best of ROUNDS each), so load from elsewhere skews no ratio.
import { compilePrice, priceAmount, type CompiledPrice, type PriceStructure } from "../worker/domain/pricing.ts";

const LINES = 100_000;
const CATALOG = 400;
const ROUNDS = 7;
const TARGET_RATIO = 5;

// ---- seeded data ----

/** mulberry32: tiny, fast, good enough to make the same lines every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20261126);
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];

/** A decimal string built digit by digit (never through a float): `whole` integer digits, `decimals` places. */
function decimal(maxWhole: number, decimals: number): string {
  const whole = String(int(0, maxWhole));
  if (decimals === 0) return whole;
  let fraction = "";
  for (let i = 0; i < decimals; i++) fraction += String(int(0, 9));
  return `${whole}.${fraction}`;
}

const unitPrice = () => decimal(pick([1, 10, 100, 1000]), pick([0, 2, 2, 2, 4, 6, 12]));

function tiers(count: number, percentage: boolean) {
  let bound = 0;
  return Array.from({ length: count }, (_, i) => {
    bound += int(1, 1000);
    return {
      ...(i < count - 1 ? { upperBound: String(bound) } : {}),
      price: percentage ? decimal(9, 2) : unitPrice(),
      ...(random() < 0.4 ? { fee: decimal(100, 2) } : {}),
      ...(percentage ? { isPricePercentage: true } : {}),
    };
  });
}

function structure(): PriceStructure {
  switch (int(0, 7)) {
    case 0:
      return { pricingType: "FIXED", price: unitPrice() };
    case 1:
      return { pricingType: "ONE_TIME", price: unitPrice() };
    case 2:
      return { pricingType: "LINEAR", pricePerUnit: unitPrice() };
    case 3:
      return { pricingType: "LINEAR", pricePerUnit: decimal(5, 2), isPricePercentage: true, minPrice: "0.20", maxPrice: decimal(5000, 2) };
    case 4:
      return { pricingType: "VOLUME", tiers: tiers(int(1, 5), random() < 0.2) };
    case 5:
      return { pricingType: "GRADUATED", tiers: tiers(int(1, 5), random() < 0.2) };
    case 6:
      return { pricingType: "PACKAGE", packageSize: String(pick([10, 100, 1000, 25])), pricePerPackage: unitPrice() };
    default:
      return random() < 0.5
        ? { pricingType: "SEAT_BASED", pricePerSeat: unitPrice(), contractedMinimumSeats: int(0, 20) }
        : { pricingType: "SEAT_BASED", tiers: tiers(int(1, 4), false).map(({ isPricePercentage: _, ...tier }) => tier) };
  }
}

interface Line {
  price: number;
  quantity: string;
  currency: string;
}

const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "KWD"];
const catalog: PriceStructure[] = Array.from({ length: CATALOG }, structure);
const lines: Line[] = Array.from({ length: LINES }, () => {
  const price = int(0, CATALOG - 1);
  const seats = catalog[price].pricingType === "SEAT_BASED";
  const quantity = seats || random() < 0.6 ? String(int(0, 5000)) : decimal(5000, pick([1, 2, 3]));
  return { price, quantity, currency: pick(CURRENCIES) };
});

// ---- the floor: the same models with floats, as a naive implementation would write them ----

const FLOAT_DIGITS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, JPY: 0, KWD: 3 };

function floatTiers(tierList: readonly { upperBound?: string; price: string; fee?: string; isPricePercentage?: boolean }[]) {
  return tierList.map((tier) => ({
    upper: tier.upperBound === undefined ? Infinity : parseFloat(tier.upperBound),
    factor: tier.isPricePercentage ? parseFloat(tier.price) / 100 : parseFloat(tier.price),
    fee: tier.fee === undefined ? 0 : parseFloat(tier.fee),
  }));
}

function floatGraduated(tierList: ReturnType<typeof floatTiers>, q: number): number {
  let total = 0;
  let lower = 0;
  for (const tier of tierList) {
    if (q <= lower) break;
    total += (Math.min(q, tier.upper) - lower) * tier.factor + tier.fee;
    lower = tier.upper;
  }
  return total;
}

function floatAmount(s: PriceStructure, quantity: string, currency: string): string {
  const q = parseFloat(quantity);
  let amount = 0;
  switch (s.pricingType) {
    case "FIXED":
    case "ONE_TIME":
      amount = q * parseFloat(s.price);
      break;
    case "LINEAR":
      if (!s.isPricePercentage) amount = q * parseFloat(s.pricePerUnit);
      else if (q > 0) {
        amount = (q * parseFloat(s.pricePerUnit)) / 100;
        if (s.minPrice !== undefined) amount = Math.max(amount, parseFloat(s.minPrice));
        if (s.maxPrice !== undefined) amount = Math.min(amount, parseFloat(s.maxPrice));
      }
      break;
    case "VOLUME":
      if (q > 0) {
        const tier = floatTiers(s.tiers).find((t) => q <= t.upper)!;
        amount = q * tier.factor + tier.fee;
      }
      break;
    case "GRADUATED":
      amount = floatGraduated(floatTiers(s.tiers), q);
      break;
    case "PACKAGE":
      amount = Math.ceil(q / parseFloat(s.packageSize)) * parseFloat(s.pricePerPackage);
      break;
    case "SEAT_BASED": {
      const seats = Math.max(q, s.contractedMinimumSeats ?? 0);
      amount = s.pricePerSeat !== undefined ? seats * parseFloat(s.pricePerSeat) : floatGraduated(floatTiers(s.tiers ?? []), seats);
      break;
    }
  }
  const digits = FLOAT_DIGITS[currency];
  const scale = 10 ** digits;
  return (Math.round(amount * scale) / scale).toFixed(digits);
}

// ---- timing ----

/**
 * Best time of each runner over ROUNDS rounds, the runners taking turns within every round, so a
 * burst of load from elsewhere on the machine hits all of them rather than skewing the ratio.
 */
function timeAll(runners: Record<string, () => string[]>): Record<string, { perSecond: number; results: string[] }> {
  const names = Object.keys(runners);
  for (const name of names) {
    runners[name](); // warm up: let the JIT settle before anything is measured
    runners[name]();
  }
  const best: Record<string, number> = {};
  const results: Record<string, string[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const start = performance.now();
      results[name] = runners[name]();
      best[name] = Math.min(best[name] ?? Infinity, performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((name) => [name, { perSecond: Math.round((LINES / best[name]) * 1000), results: results[name] }]));
}

export function main(): void {
  const runEngine = () => {
    const compiled: CompiledPrice[] = catalog.map(compilePrice);
    return lines.map((line) => compiled[line.price].amount(line.quantity, line.currency));
  };
  const runPerLine = () => lines.map((line) => priceAmount(catalog[line.price], line.quantity, line.currency));
  const runFloat = () => lines.map((line) => floatAmount(catalog[line.price], line.quantity, line.currency));

  const { engine, perLine, float } = timeAll({ engine: runEngine, perLine: runPerLine, float: runFloat });

  const mismatches = engine.results.filter((amount, i) => amount !== perLine.results[i]).length;
  if (mismatches > 0) throw new Error(`compiled and per-line pricing disagree on ${mismatches} lines`);
  const floatWrong = engine.results.filter((amount, i) => amount !== float.results[i]).length;

  const ratio = engine.perSecond > 0 ? float.perSecond / engine.perSecond : Infinity;
  const perLineRatio = perLine.perSecond > 0 ? float.perSecond / perLine.perSecond : Infinity;
  console.log(`lines: ${LINES} over ${CATALOG} prices (${catalog.map((s) => s.pricingType).filter((t, i, all) => all.indexOf(t) === i).join(", ")}), best of ${ROUNDS} rounds`);
  console.log(`engine (compiled prices):  ${engine.perSecond} lines/s`);
  console.log(`engine (priceAmount/line): ${perLine.perSecond} lines/s  (${perLineRatio.toFixed(1)}x the float floor)`);
  console.log(`float floor:               ${float.perSecond} lines/s  (differs from the exact amount on ${floatWrong} lines)`);
  console.log(
    `pricing: engine ${engine.perSecond} lines/s, float ${float.perSecond} lines/s, ratio ${ratio.toFixed(1)}x (target <= ${TARGET_RATIO}x)`,
  );
}

main();
