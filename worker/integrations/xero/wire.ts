// Amounts on Xero's wire. xero-node's models take JSON numbers, so a decimal string becomes a Number only
// here, and only when that number says exactly the same decimal: JSON.stringify writes the shortest text that
// reads back as the number, which must equal the decimal we hold, and have no more decimals than Xero keeps
// (Quantity and UnitAmount 4 with unitdp=4, money amounts 2). Anything else is refused, never rounded.
import { Decimal, decimalPlaces } from "../../domain/decimal.ts";

/** Decimals Xero keeps for a quantity or a unit amount (we send unitdp=4) and for a money amount. */
export const UNIT_DECIMALS = 4;
export const AMOUNT_DECIMALS = 2;

/** The JSON number that is exactly `decimal`, or null when there is none Xero would keep as it is. */
export function exactNumber(decimal: string, maxDecimals: number): number | null {
  let value: Decimal;
  try {
    value = new Decimal(decimal);
  } catch {
    return null;
  }
  if (decimalPlaces(value) > maxDecimals) return null;
  const n = Number(decimal);
  if (!Number.isFinite(n)) return null;
  return new Decimal(JSON.stringify(n)).eq(value) ? n : null;
}

/** Refused: an amount that no JSON number carries exactly to Xero; the object fails with this message. */
export class InexactAmount extends Error {
  constructor(what: string, decimal: string) {
    super(`${what} ${decimal} cannot be sent to Xero exactly (Xero keeps numbers of up to 15 significant digits and ${AMOUNT_DECIMALS} decimals for amounts, ${UNIT_DECIMALS} for unit prices and quantities)`);
  }
}

export function wireNumber(what: string, decimal: string, maxDecimals: number): number {
  const n = exactNumber(decimal, maxDecimals);
  if (n === null) throw new InexactAmount(what, decimal);
  return n;
}

/**
 * A line as Xero books it: quantity × unit amount when both are exact on the wire; else (a unit price of
 * more decimals than Xero keeps, say 0.123456) one unit of the line's amount — the same line amount and
 * total, the quantity and price said in the description. The line's amount itself must be exact.
 */
export function wireLine(line: { description: string; quantity: string; rate: string; amount: string }, position: number): { description: string; quantity: number; unitAmount: number } {
  const quantity = exactNumber(line.quantity, UNIT_DECIMALS);
  const unitAmount = exactNumber(line.rate, UNIT_DECIMALS);
  if (quantity !== null && unitAmount !== null) return { description: line.description, quantity, unitAmount };
  return { description: `${line.description} (${line.quantity} × ${line.rate})`, quantity: 1, unitAmount: wireNumber(`Line ${position}'s amount`, line.amount, UNIT_DECIMALS) };
}
