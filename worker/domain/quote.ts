// Quotes as pure data: the co-editing ops of API.md applied in server order, and exact totals.
// No I/O: the caller loads the quote, its prices, and stores the result in one batch.
import type { QuoteOp } from "../../party/protocol.ts";
import { contractTotals, MAX_CONTRACT_LENGTH_MONTHS } from "./contract.ts";
import type { ContractTotals } from "./contract.ts";
import { isValidDate } from "./dates.ts";
import { Decimal, exceedsMaxMagnitude, MAX_MAGNITUDE } from "./decimal.ts";
import { isCurrency, minorUnits, roundMoney, subtractMoney, sumMoney } from "./money.ts";
import { positionBetween } from "./positions.ts";
import { compilePrice, PricingError, type PriceStructure } from "./pricing.ts";

export const QUOTE_STATUSES = ["DRAFT", "PUBLISHED", "ACCEPTED", "EXECUTED"] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];
export const APPROVAL_STATUSES = ["NOT_REQUIRED", "PENDING", "APPROVED", "REJECTED"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const DEAL_TYPES = ["NEW_BUSINESS", "RENEWAL"] as const;
export type DealType = (typeof DEAL_TYPES)[number];

export const MAX_LINES = 500;

export interface Discount {
  type: "PERCENTAGE" | "NOMINAL";
  value: string;
}

export interface QuoteLine {
  id: string;
  position: string;
  priceId: string;
  quantity: string;
  discount: Discount | null;
  description: string | null;
}

export interface QuoteFields {
  title: string;
  currency: string;
  dealType: DealType;
  expiryDays: number | null;
  notes: string | null;
  /** The contract's first day (YYYY-MM-DD), or null: the day the customer accepts. */
  startDate: string | null;
  /** 1 to 120 months; recurring lines bill this many months' periods (worker/domain/contract.ts). */
  contractLengthMonths: number;
}

/** What co-editing changes: the fields and the lines. */
export interface QuoteContent extends QuoteFields {
  lines: QuoteLine[];
}

/** The catalog facts a quote needs about each price. */
export interface QuotePrice {
  id: string;
  productId: string;
  productName?: string;
  name: string;
  currency: string;
  billingFrequency: string;
  /** IN_ADVANCE lines are on the first invoice; IN_ARREARS ones bill at the end of their first period. */
  billingType: string;
  pricingType: string;
  structure: PriceStructure;
  archivedAt: string | null;
}

export class QuoteRuleError extends Error {
  readonly code: string;
  readonly path: string | null;
  constructor(code: string, message: string, path: string | null = null) {
    super(message);
    this.code = code;
    this.path = path;
  }
}

/** The ops as applied: with server-resolved anchors and positions, or marked as skipped. */
export type AppliedOp = QuoteOp & { position?: string; skipped?: "line_removed" | "anchor_removed" };

const sorted = (lines: QuoteLine[]) => [...lines].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));

// ---- value rules shared by ops and PATCH ----
export function checkTitle(value: unknown): string {
  if (typeof value !== "string" || value.trim().length === 0 || value.length > 200) throw new QuoteRuleError("invalid_value", "title must be 1 to 200 characters", "title");
  return value.trim();
}
export function checkCurrency(value: unknown): string {
  if (typeof value !== "string" || !isCurrency(value)) throw new QuoteRuleError("invalid_value", "currency must be an ISO 4217 code", "currency");
  return value;
}
export function checkDealType(value: unknown): DealType {
  if (!(DEAL_TYPES as readonly unknown[]).includes(value)) throw new QuoteRuleError("invalid_value", `dealType must be one of ${DEAL_TYPES.join(", ")}`, "dealType");
  return value as DealType;
}
export function checkExpiryDays(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 365) throw new QuoteRuleError("invalid_value", "expiryDays must be a whole number from 1 to 365, or null", "expiryDays");
  return value;
}
export function checkNotes(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string" || value.length > 5000) throw new QuoteRuleError("invalid_value", "notes must be text up to 5000 characters, or null", "notes");
  return value;
}
export function checkStartDate(value: unknown): string | null {
  if (value === null) return null;
  if (!isValidDate(value)) throw new QuoteRuleError("invalid_value", "startDate must be a date (YYYY-MM-DD), or null for the acceptance date", "startDate");
  return value;
}
export function checkContractLength(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_CONTRACT_LENGTH_MONTHS) {
    throw new QuoteRuleError("invalid_value", `contractLengthMonths must be a whole number from 1 to ${MAX_CONTRACT_LENGTH_MONTHS}`, "contractLengthMonths");
  }
  return value;
}
const QUANTITY = /^(0|[1-9]\d{0,14})(\.\d{1,12})?$/;
export function checkQuantity(value: unknown, path = "quantity"): string {
  if (typeof value !== "string" || !QUANTITY.test(value)) throw new QuoteRuleError("invalid_value", "quantity must be a non-negative decimal string, e.g. \"12\" or \"1.5\"", path);
  return value;
}
export function checkDescription(value: unknown, path = "description"): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string" || value.length > 2000) throw new QuoteRuleError("invalid_value", "description must be text up to 2000 characters, or null", path);
  return value;
}
const AMOUNT = /^(0|[1-9]\d{0,14})(\.\d{1,12})?$/;
export function checkDiscount(value: unknown, currency: string, path = "discount"): Discount | null {
  if (value === null || value === undefined) return null;
  const d = value as Partial<Discount>;
  if (typeof value !== "object" || (d.type !== "PERCENTAGE" && d.type !== "NOMINAL") || typeof d.value !== "string" || !AMOUNT.test(d.value) || Object.keys(value).some((k) => k !== "type" && k !== "value")) {
    throw new QuoteRuleError("invalid_value", 'discount must be {"type":"PERCENTAGE"|"NOMINAL","value":"<decimal>"} or null', path);
  }
  if (d.type === "PERCENTAGE" && new Decimal(d.value).gt("100")) throw new QuoteRuleError("invalid_value", "a percentage discount is at most 100", `${path}.value`);
  if (d.type === "NOMINAL" && (d.value.split(".")[1]?.length ?? 0) > minorUnits(currency)) {
    throw new QuoteRuleError("invalid_value", `a ${currency} amount has at most ${minorUnits(currency)} decimals`, `${path}.value`);
  }
  return { type: d.type, value: d.value };
}

function usablePrice(prices: Map<string, QuotePrice>, priceId: unknown, currency: string, path: string): string {
  if (typeof priceId !== "string") throw new QuoteRuleError("invalid_value", "priceId must be a string", path);
  const price = prices.get(priceId);
  if (!price) throw new QuoteRuleError("unknown_price", `Price ${priceId} not found in this entity`, path);
  if (price.archivedAt) throw new QuoteRuleError("price_archived", `Price ${priceId} is archived`, path);
  if (price.currency !== currency) throw new QuoteRuleError("currency_mismatch", `Price ${priceId} is in ${price.currency}, the quote in ${currency}`, path);
  return priceId;
}

/**
 * Apply one op batch, whole or not at all (it throws QuoteRuleError and the caller writes nothing).
 * Concurrency rules: fields are last-writer-wins in server order; an update, removal or move of a
 * line removed meanwhile is a no-op; an insert after a removed line goes to the end; a move after a
 * removed line stays put.
 */
export function applyOps(content: QuoteContent, ops: QuoteOp[], prices: Map<string, QuotePrice>): { content: QuoteContent; applied: AppliedOp[] } {
  const next: QuoteContent = { ...content, lines: sorted(content.lines).map((l) => ({ ...l })) };
  const applied: AppliedOp[] = [];
  const indexOf = (id: string) => next.lines.findIndex((l) => l.id === id);
  /** Position right after `afterId` (null = first). */
  const positionAfter = (afterId: string | null, excluding?: string) => {
    const lines = next.lines.filter((l) => l.id !== excluding);
    if (afterId === null) return positionBetween(null, lines[0]?.position ?? null);
    const i = lines.findIndex((l) => l.id === afterId);
    return positionBetween(lines[i].position, lines[i + 1]?.position ?? null);
  };

  ops.forEach((op, n) => {
    const at = `ops.${n}`;
    switch (op.op) {
      case "set": {
        if (op.field === "title") next.title = checkTitle(op.value);
        else if (op.field === "dealType") next.dealType = checkDealType(op.value);
        else if (op.field === "expiryDays") next.expiryDays = checkExpiryDays(op.value);
        else if (op.field === "notes") next.notes = checkNotes(op.value);
        else if (op.field === "startDate") next.startDate = checkStartDate(op.value);
        else if (op.field === "contractLengthMonths") next.contractLengthMonths = checkContractLength(op.value);
        else if (op.field === "currency") {
          const currency = checkCurrency(op.value);
          // Every line's price must be in the quote's currency; change lines first, then currency.
          for (const line of next.lines) usablePrice(prices, line.priceId, currency, `${at}.value`);
          next.currency = currency;
        }
        applied.push({ ...op, value: (next as unknown as Record<string, unknown>)[op.field] });
        break;
      }
      case "insertLine": {
        if (indexOf(op.line.id) !== -1) throw new QuoteRuleError("duplicate_line", `Line ${op.line.id} already exists`, `${at}.line.id`);
        if (next.lines.length >= MAX_LINES) throw new QuoteRuleError("too_many_lines", `A quote has at most ${MAX_LINES} lines`, at);
        const anchorGone = op.afterId !== null && indexOf(op.afterId) === -1;
        const afterId = anchorGone ? (next.lines[next.lines.length - 1]?.id ?? null) : op.afterId;
        const line: QuoteLine = {
          id: op.line.id,
          position: positionAfter(afterId),
          priceId: usablePrice(prices, op.line.priceId, next.currency, `${at}.line.priceId`),
          quantity: checkQuantity(op.line.quantity, `${at}.line.quantity`),
          discount: checkDiscount(op.line.discount, next.currency, `${at}.line.discount`),
          description: checkDescription(op.line.description, `${at}.line.description`),
        };
        next.lines.push(line);
        next.lines = sorted(next.lines);
        applied.push({ ...op, afterId, position: line.position });
        break;
      }
      case "updateLine": {
        const i = indexOf(op.lineId);
        if (i === -1) {
          applied.push({ ...op, skipped: "line_removed" });
          break;
        }
        const line = next.lines[i];
        if (op.field === "quantity") line.quantity = checkQuantity(op.value, `${at}.value`);
        else if (op.field === "priceId") line.priceId = usablePrice(prices, op.value, next.currency, `${at}.value`);
        else if (op.field === "discount") line.discount = checkDiscount(op.value, next.currency, `${at}.value`);
        else line.description = checkDescription(op.value, `${at}.value`);
        applied.push({ ...op, value: line[op.field] });
        break;
      }
      case "removeLine": {
        const i = indexOf(op.lineId);
        if (i === -1) applied.push({ ...op, skipped: "line_removed" });
        else {
          next.lines.splice(i, 1);
          applied.push(op);
        }
        break;
      }
      case "moveLine": {
        const i = indexOf(op.lineId);
        if (i === -1) {
          applied.push({ ...op, skipped: "line_removed" });
          break;
        }
        if (op.afterId !== null && indexOf(op.afterId) === -1) {
          applied.push({ ...op, skipped: "anchor_removed" });
          break;
        }
        if (op.afterId === op.lineId) {
          applied.push({ ...op, position: next.lines[i].position });
          break;
        }
        next.lines[i].position = positionAfter(op.afterId, op.lineId);
        next.lines = sorted(next.lines);
        applied.push({ ...op, position: next.lines[indexOf(op.lineId)].position });
        break;
      }
    }
  });
  return { content: next, applied };
}

// ---- totals ----
export interface LineAmounts {
  subtotal: string;
  discount: string;
  total: string;
  /** Share of the subtotal given away, 0–100, for approval rules. */
  discountPercent: string;
}

/** The sums clients have always read, plus the contract's honest figures (contract.ts). */
export interface QuoteTotals extends ContractTotals {
  subtotal: string;
  discount: string;
  tax: string;
  total: string;
  byFrequency: Record<string, { subtotal: string; discount: string; total: string }>;
  maxDiscountPercent: string;
}

const compiled = new WeakMap<PriceStructure, ReturnType<typeof compilePrice>>();
function compiledOf(structure: PriceStructure) {
  let c = compiled.get(structure);
  if (!c) {
    c = compilePrice(structure);
    compiled.set(structure, c);
  }
  return c;
}

/**
 * Amounts by price structure and line terms. Prices are immutable, so a line's amounts depend only on
 * these; a co-edited quote re-totals every line on every batch, and most lines did not change.
 */
const remembered = new WeakMap<PriceStructure, Map<string, Readonly<LineAmounts>>>();
const REMEMBERED_PER_PRICE = 256;

/** A line's amounts for one billing period, rounded at line level (DESIGN.md §3). */
export function lineAmounts(line: QuoteLine, price: QuotePrice, currency: string): Readonly<LineAmounts> {
  let byTerms = remembered.get(price.structure);
  if (!byTerms) remembered.set(price.structure, (byTerms = new Map()));
  const key = `${currency}|${line.quantity}|${line.discount ? `${line.discount.type}|${line.discount.value}` : ""}`;
  let amounts = byTerms.get(key);
  if (!amounts) {
    amounts = Object.freeze(computeLineAmounts(line, price, currency));
    if (byTerms.size >= REMEMBERED_PER_PRICE) byTerms.clear();
    byTerms.set(key, amounts);
  }
  return amounts;
}

function computeLineAmounts(line: QuoteLine, price: QuotePrice, currency: string): LineAmounts {
  let subtotal: string;
  try {
    subtotal = compiledOf(price.structure).amount(line.quantity, currency);
  } catch (error) {
    if (error instanceof PricingError) throw new QuoteRuleError(error.code, error.message, "quantity");
    throw error;
  }
  let discount = roundMoney("0", currency);
  if (line.discount) {
    discount =
      line.discount.type === "PERCENTAGE"
        ? roundMoney(new Decimal(subtotal).times(line.discount.value).div("100"), currency)
        : roundMoney(new Decimal(line.discount.value).gt(subtotal) ? subtotal : line.discount.value, currency); // never below zero
  }
  const total = subtractMoney(subtotal, discount, currency);
  const discountPercent = new Decimal(subtotal).eq("0") ? "0" : new Decimal(discount).times("100").div(subtotal).round(4).toFixed();
  return { subtotal, discount, total, discountPercent };
}

/**
 * Totals are sums of rounded lines, so lines always add up exactly. `subtotal`/`total` add every line's
 * one period (monthly and one-time alike), as clients have always read them; the contract figures say
 * what is billed when and over `contractLengthMonths`.
 */
export function quoteTotals(lines: QuoteLine[], prices: Map<string, QuotePrice>, currency: string, contractLengthMonths: number): { lines: Map<string, LineAmounts>; totals: QuoteTotals } {
  const amounts = new Map<string, LineAmounts>();
  const groups = new Map<string, LineAmounts[]>();
  let maxDiscount = new Decimal("0");
  const contractLines: { billingFrequency: string; billingType: string; total: string }[] = [];
  for (const line of lines) {
    const price = prices.get(line.priceId);
    if (!price) throw new QuoteRuleError("unknown_price", `Price ${line.priceId} not found`, "lines");
    const a = lineAmounts(line, price, currency);
    amounts.set(line.id, a);
    const group = groups.get(price.billingFrequency) ?? [];
    group.push(a);
    groups.set(price.billingFrequency, group);
    contractLines.push({ billingFrequency: price.billingFrequency, billingType: price.billingType, total: a.total });
    if (new Decimal(a.discountPercent).gt(maxDiscount)) maxDiscount = new Decimal(a.discountPercent);
  }
  const all = [...amounts.values()];
  const sum = (xs: LineAmounts[], k: keyof LineAmounts) => {
    const total = sumMoney(xs.map((x) => x[k]), currency);
    // Each line is within the engine's cap; their sum must be too, or no document can show it.
    if (exceedsMaxMagnitude(new Decimal(total))) throw new QuoteRuleError("amount_out_of_range", `The quote's ${k} exceeds ${MAX_MAGNITUDE}`, "lines");
    return total;
  };
  const byFrequency: QuoteTotals["byFrequency"] = {};
  for (const [frequency, xs] of groups) byFrequency[frequency] = { subtotal: sum(xs, "subtotal"), discount: sum(xs, "discount"), total: sum(xs, "total") };
  const contract = contractTotals(contractLines, contractLengthMonths, currency);
  return {
    lines: amounts,
    totals: {
      subtotal: sum(all, "subtotal"),
      discount: sum(all, "discount"),
      tax: roundMoney("0", currency), // quotes are priced exclusive of tax; tax is charged on the invoice
      total: sum(all, "total"),
      byFrequency,
      maxDiscountPercent: maxDiscount.toFixed(),
      ...contract,
    },
  };
}
