// A customer's balance: what its final invoices still ask to be paid. Exact decimal strings
// (worker/domain/money.ts), never floats; one sum per currency, since amounts in two currencies
// do not add up. Pure: tests/domain/web-billing.test.ts runs it in workerd.
import type { Invoice } from "$worker/api/types.ts";
import { isCurrency, sumMoney } from "$worker/domain/money.ts";

type Owed = Pick<Invoice, "status" | "paymentStatus" | "amountDue" | "currency">;

/** A final invoice (FINAL or SENT) not yet settled: it counts towards the balance. */
export function isOpen(invoice: Owed): boolean {
  return (invoice.status === "FINAL" || invoice.status === "SENT") && (invoice.paymentStatus === "UNPAID" || invoice.paymentStatus === "PARTIALLY_PAID");
}

export interface Balance {
  currency: string;
  /** The sum of amountDue, in the currency's minor units. */
  amount: string;
  /** How many open invoices it is made of. */
  invoices: number;
}

/** The balance per currency, in the order the currencies first appear. */
export function balances(invoices: readonly Owed[]): Balance[] {
  const due = new Map<string, string[]>();
  for (const inv of invoices) {
    if (!isOpen(inv) || !isCurrency(inv.currency)) continue;
    const list = due.get(inv.currency) ?? [];
    list.push(inv.amountDue);
    due.set(inv.currency, list);
  }
  return [...due].map(([currency, amounts]) => ({ currency, amount: sumMoney(amounts, currency), invoices: amounts.length }));
}
