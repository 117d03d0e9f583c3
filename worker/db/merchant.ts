// The entity as a seller (API.md "tax": GET/PUT /merchant): one row per entity database.
import { and, eq, sql } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { orm } from "./orm.ts";
import { merchant as merchantTable } from "./schema/entity.ts";
import type { EntityRecord } from "../env.ts";
import type { Address } from "./customers.ts";
import { addressLines } from "../domain/address.ts";

export interface Merchant {
  legalName: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  address: Address | null;
  taxRegistrations: { country: string; taxId: string; type: string | null }[];
  bankDetails: { bankName?: string | null; accountName?: string | null; iban?: string | null; bic?: string | null; accountNumber?: string | null; sortCode?: string | null; routingNumber?: string | null } | null;
  /** A PNG as a data URL (data:image/png;base64,…), or null. */
  logo: string | null;
  brandColor: string | null;
  invoicePrefix: string;
  /** Payment terms in days for invoices that set none (Sequence's defaultDueDateDays). */
  defaultDueDateDays: number;
  rev: number;
  updatedAt: string | null;
}

/** What an entity that never set its details shows: its registry name and a prefix from its slug. */
export function defaultMerchant(entity: EntityRecord): Merchant {
  return {
    legalName: entity.legalName,
    displayName: entity.name,
    email: null,
    phone: null,
    website: null,
    address: null,
    taxRegistrations: [],
    bankDetails: null,
    logo: null,
    brandColor: null,
    invoicePrefix: entity.slug.toUpperCase(),
    defaultDueDateDays: DEFAULT_PAYMENT_TERMS_DAYS,
    rev: 0,
    updatedAt: null,
  };
}

/** Net 30 until the merchant says otherwise. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

/** The table holds one row (CHECK id = 1). */
export const MERCHANT_ROW = 1;

export async function getMerchant(db: D1Database, entity: EntityRecord): Promise<Merchant> {
  return merchantOf(await orm(db).select().from(merchantTable).where(eq(merchantTable.id, MERCHANT_ROW)).get(), entity);
}

/** The merchant row as read (absent: never set, the entity's defaults). */
export function merchantOf(row: typeof merchantTable.$inferSelect | undefined, entity: EntityRecord): Merchant {
  if (!row) return defaultMerchant(entity);
  return { ...defaultMerchant(entity), ...row.data, rev: row.rev, updatedAt: row.updatedAt };
}

/** Replace the details, guarded on the revision read (rev 0 = never set). */
export function putMerchant(changes: ChangeSet, before: Merchant, input: Omit<Merchant, "rev" | "updatedAt">): Merchant {
  const after: Merchant = { ...input, rev: before.rev + 1, updatedAt: changes.at };
  changes.guard(
    before.rev === 0
      ? changes.orm.insert(merchantTable).values({ id: MERCHANT_ROW, data: input, updatedAt: changes.at, rev: 1 }).onConflictDoNothing({ target: merchantTable.id })
      : changes.orm
          .update(merchantTable)
          .set({ data: input, updatedAt: changes.at, rev: sql`${merchantTable.rev} + 1` })
          .where(and(eq(merchantTable.id, MERCHANT_ROW), eq(merchantTable.rev, before.rev))),
    "rev_conflict",
    "The merchant details changed meanwhile; reload and try again",
  );
  const { logo, ...withoutLogo } = after;
  changes.record({ kind: "merchant.updated", subject: { type: "merchant", id: "merchant" }, data: { merchant: { ...withoutLogo, hasLogo: logo !== null } }, before: { rev: before.rev }, after: { ...withoutLogo, hasLogo: logo !== null } });
  return after;
}

/** The seller block of a PDF, from the merchant details. */
export function sellerOf(merchant: Merchant) {
  const a = merchant.address;
  const bankLines = bankDetailLines(merchant);
  return {
    name: merchant.displayName,
    legalName: merchant.legalName,
    addressLines: a ? addressLines(a) : [],
    taxIds: merchant.taxRegistrations.map((r) => `${r.type ?? "Tax ID"} ${r.taxId}`),
    email: merchant.email,
    brandColor: merchant.brandColor,
    logoPng: logoPngOf(merchant),
    bankDetails: bankLines,
  };
}

/** The merchant's bank details as the lines a document prints. */
export function bankDetailLines(merchant: Pick<Merchant, "bankDetails">): string[] {
  const bank = merchant.bankDetails;
  return bank
    ? [
        bank.bankName,
        bank.accountName && `Account name: ${bank.accountName}`,
        bank.iban && `IBAN: ${bank.iban}`,
        bank.bic && `BIC: ${bank.bic}`,
        bank.accountNumber && `Account: ${bank.accountNumber}`,
        bank.sortCode && `Sort code: ${bank.sortCode}`,
        bank.routingNumber && `Routing: ${bank.routingNumber}`,
      ].filter((x): x is string => Boolean(x))
    : [];
}

/** The merchant's logo as PNG bytes (its data URL decoded), or null. */
export function logoPngOf(merchant: Pick<Merchant, "logo">): Uint8Array | null {
  return merchant.logo ? Uint8Array.from(atob(merchant.logo.slice(merchant.logo.indexOf(",") + 1)), (ch) => ch.charCodeAt(0)) : null;
}
