// The quote lifecycle (API.md "quotes", "public quote", "Co-editing"): create, revise, publish,
// archive, accept, and the co-editing op batch (submit, withdraw and decisions: ./tasks.ts). Every verb fills one ChangeSet with its
// rows, its event and its audit row; routes, the co-editing room and the seed share them.
import type { QuoteOp } from "../../party/protocol.ts";
import type { Actor } from "../../party/protocol.ts";
import type { ChangeSet } from "../db/changes.ts";
import { getCustomer, requireAll, UNUSABLE_CUSTOMER, usableCustomer, type Customer } from "../db/customers.ts";
import { getMerchant, sellerOf, type Merchant } from "../db/merchant.ts";
import { cachedPrices, cachedWorkflow, forgetPrices, forgetWorkflow, livePrices, workflowAt } from "../db/isolate-copies.ts";
import type { Page } from "../db/paging.ts";
import {
  claimQuoteNumber,
  completeDocument,
  findQuoteByToken,
  insertQuote,
  listQuotes,
  loadQuote,
  pricesForLines,
  publicDocument,
  quoteView,
  updateQuote,
  withTotals,
  type PublicDocument,
  type QuoteView,
  type StoredQuote,
  type WrittenBatch,
} from "../db/quotes.ts";
import { quoteDocument } from "../documents/quote.ts";
import { approvalContext, type ApprovalContext } from "../db/tasks.ts";
import { loadQuoteForView } from "../db/quote-view.ts";
import { approvalAfterEdit } from "../domain/terms.ts";
import type { ApprovalWorkflow } from "../domain/approval.ts";
import { DEFAULT_CONTRACT_LENGTH_MONTHS } from "../domain/contract.ts";
import { addDaysTo } from "../domain/dates.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { positionsFor } from "../domain/positions.ts";
import {
  applyOps,
  checkContractLength,
  checkCurrency,
  checkDescription,
  checkDiscount,
  checkQuantity,
  checkStartDate,
  quoteTotals,
  QuoteRuleError,
  type AppliedOp,
  type DealType,
  type Discount,
  type LineAmounts,
  type QuoteContent,
  type QuoteLine,
  type QuotePrice,
  type QuoteStatus,
} from "../domain/quote.ts";
import type { EntityRecord } from "../env.ts";
import { newId, randomToken } from "../lib/crypto.ts";
import type { BillingDocument } from "../documents/document.ts";
import { assertRev, changeSetOf, commit, retryOn, type ActionContext, type EarlyReads } from "./context.ts";
import { billableCustomer } from "./customers.ts";

export interface LineInput {
  id?: string;
  priceId: string;
  quantity: string;
  discount?: Discount | null;
  description?: string | null;
}

export interface CreateQuoteInput {
  customerId: string;
  title: string;
  currency: string;
  dealType: DealType;
  expiryDays?: number | null;
  notes?: string | null;
  startDate?: string | null;
  contractLengthMonths?: number;
  lines: LineInput[];
}

export type QuotePatch = Partial<Omit<CreateQuoteInput, "expiryDays" | "notes" | "startDate">> & { expiryDays?: number | null; notes?: string | null; startDate?: string | null };

/** A refusal of the quote rules in the contract's words: bad values are invalid input, the rest rules. */
export function quoteRuleFailure(error: unknown, rename?: (path: string) => string): never {
  if (error instanceof QuoteRuleError) {
    const path = error.path ? (rename ? rename(error.path) : error.path) : null;
    const details = path ? [{ path, message: error.message }] : [];
    const input = error.code === "invalid_value" || error.code === "invalid_quantity";
    throw new DomainError(input ? "invalid_request" : error.code, error.message, details);
  }
  throw error;
}

/** Run a piece of the quote rules, turning its refusal into the contract's error. */
function ruled<T>(fn: () => T, rename?: (path: string) => string): T {
  try {
    return fn();
  } catch (error) {
    quoteRuleFailure(error, rename);
  }
}

/** REST lines -> insert ops, so REST and co-editing share one set of rules; paths map back to `lines.N`. */
function linesAsOps(lines: LineInput[]): QuoteOp[] {
  let afterId: string | null = null;
  return lines.map((line) => {
    const id = line.id ?? newId("ln");
    const op: QuoteOp = { op: "insertLine", afterId, line: { id, priceId: line.priceId, quantity: line.quantity, discount: line.discount ?? null, description: line.description ?? null } };
    afterId = id;
    return op;
  });
}
const opsPathToLines = (path: string) => path.replace(/^ops\.(\d+)\.line\./, "lines.$1.").replace(/^ops\.(\d+)/, "lines.$1");

export const pricesOf = (db: D1Database, ...lines: { priceId: string }[][]) => pricesForLines(db, lines.flat().map((l) => l.priceId));

export async function quoteOr404(db: D1Database, id: string): Promise<StoredQuote> {
  const quote = await loadQuote(db, id);
  if (!quote) throw notFound("Quote");
  return quote;
}

/** The quote, its prices and what its view needs of approvals: read side by side. */
export async function loadForView(db: D1Database, id: string, early?: EarlyReads): Promise<{ quote: StoredQuote; prices: Map<string, QuotePrice>; approval: ApprovalContext; customer: { legalName: string } | null }> {
  const loaded = await (early?.quote(id) ?? loadQuoteForView(db, id));
  if (!loaded) throw notFound("Quote");
  return loaded;
}

/** While approval is PENDING the quote is locked (API.md): no PATCH, no co-editing op. */
export const pendingApproval = () => new DomainError("quote_pending_approval", "The quote is waiting for approval; withdraw it to change it");


export function assertEditable(quote: StoredQuote) {
  if (quote.archivedAt) throw new DomainError("quote_not_editable", "An archived quote cannot be changed");
  if (quote.status === "ACCEPTED" || quote.status === "EXECUTED") throw new DomainError("quote_not_editable", `An ${quote.status.toLowerCase()} quote is read-only`);
}

export function assertPublishable(quote: StoredQuote, verb: string) {
  assertEditable(quote);
  if (quote.status !== "DRAFT") throw new DomainError("invalid_state", `Only a DRAFT quote can be ${verb} (it is ${quote.status})`);
  if (quote.lines.length === 0) throw new DomainError("quote_empty", "A quote needs at least one line", [{ path: "lines", message: "empty" }]);
}

// ---- the steps: each fills a ChangeSet from loaded state (the seed chains them in one batch) ----

/** A new DRAFT quote with its number; records quote.created. */
export function draftStep(
  changes: ChangeSet,
  input: { id: string; quoteNumber: string; customerId: string; content: QuoteContent },
  prices: Map<string, QuotePrice>,
  origin: string | null,
  approval: ApprovalContext,
): { quote: StoredQuote; view: QuoteView } {
  const quote: StoredQuote = {
    ...input.content,
    id: input.id,
    quoteNumber: input.quoteNumber,
    customerId: input.customerId,
    status: "DRAFT",
    approvalStatus: "NOT_REQUIRED",
    approvedRev: null,
    approvedTerms: null,
    version: 1,
    publishedVersion: null,
    publicToken: null,
    publishedAt: null,
    expiresAt: null,
    acceptedAt: null,
    acceptedBy: null,
    archivedAt: null,
    billingScheduleId: null,
    totals: ruled(() => quoteTotals(input.content.lines, prices, input.content.currency, input.content.contractLengthMonths).totals),
    createdAt: changes.at,
    updatedAt: changes.at,
    rev: 1,
  };
  const view = quoteView(quote, prices, origin, approval);
  insertQuote(changes, quote);
  changes.record({ kind: "quote.created", subject: { type: "quote", id: quote.id }, data: { quote: view }, after: view });
  return { quote, view };
}

/** Publish: the customer link shows this version, frozen as its document; records quote.published. */
export function publishStep(
  changes: ChangeSet,
  before: StoredQuote,
  facts: { entity: EntityRecord; customer: { legalName: string; email: string }; seller?: Merchant; prices: Map<string, QuotePrice>; token?: string; origin: string | null; approval: ApprovalContext },
): { quote: StoredQuote; view: QuoteView } {
  const publishedAt = changes.at;
  const quote: StoredQuote = {
    ...before,
    status: "PUBLISHED",
    publishedVersion: before.version,
    publicToken: before.publicToken ?? facts.token ?? `${facts.entity.id}.${randomToken(24)}`,
    publishedAt,
    // N days later at the same local time in the entity's zone (a DST change does not move it an hour).
    expiresAt: before.expiryDays ? addDaysTo(publishedAt, before.expiryDays, facts.entity.timezone) : null,
    updatedAt: changes.at,
    rev: before.rev + 1,
  };
  const view = quoteView(quote, facts.prices, facts.origin, facts.approval);
  updateQuote(changes, before, quote);
  changes.add(
    changes.db
      .prepare("INSERT INTO quote_versions (quote_id, version, document, published_at) VALUES (?, ?, ?, ?)")
      .bind(before.id, quote.version, JSON.stringify(publicDocument(view, facts.entity, facts.customer, facts.seller)), publishedAt),
  );
  changes.record({ kind: "quote.published", subject: { type: "quote", id: before.id }, data: { quote: view }, after: view });
  return { quote, view };
}

/** The customer accepts the published version; records quote.accepted. */
export function acceptStep(changes: ChangeSet, before: StoredQuote, acceptedBy: { name: string; email: string }, prices: Map<string, QuotePrice>, origin: string | null, approval: ApprovalContext): StoredQuote {
  const quote: StoredQuote = { ...before, status: "ACCEPTED", acceptedAt: changes.at, acceptedBy, updatedAt: changes.at, rev: before.rev + 1 };
  updateQuote(changes, before, quote, "invalid_state");
  changes.record({ kind: "quote.accepted", subject: { type: "quote", id: before.id }, data: { quote: quoteView(quote, prices, origin, approval), acceptedBy } });
  return quote;
}

/** One co-editing op batch, as the sender sent it. */
export interface EditBatch {
  actor: Actor;
  clientOpId: string;
  baseRev: number;
  ops: QuoteOp[];
}

/**
 * Apply one op batch on `current` (whole, or not at all: a QuoteRuleError) and record it: its
 * compact quote.updated event (the ops as applied, the touched lines' amounts, the totals), its
 * audit row and its quote_ops row (exactly-once). The co-editing room writes several of these in
 * one batch (group commit), then the quote row once (`editWrite`).
 */
export function editStep(
  changes: ChangeSet,
  current: StoredQuote,
  batch: EditBatch,
  prices: Map<string, QuotePrice>,
  customer: { currency: string } | null,
): { quote: StoredQuote; ops: AppliedOp[] } {
  batch.ops.forEach((op, i) => {
    // A quote is in its customer's currency (as in create and PATCH): an op cannot set another one.
    if (op.op === "set" && op.field === "currency" && op.value !== (customer?.currency ?? current.currency)) {
      throw new QuoteRuleError("currency_mismatch", `The customer is billed in ${customer?.currency ?? current.currency}`, `ops.${i}.value`);
    }
  });
  const result = applyOps(current, batch.ops, prices);
  const priced = quoteTotals(result.content.lines, prices, result.content.currency, result.content.contractLengthMonths);
  const ops = result.applied;
  const amounts: Map<string, LineAmounts> = priced.lines;
  // A change of a commercial term needs approval again; a title or notes change keeps it.
  const quote: StoredQuote = { ...current, ...result.content, totals: priced.totals, updatedAt: changes.at, rev: current.rev + 1, approvalStatus: approvalAfterEdit(current, result.content) };
  const repriced = ops.some((op) => op.op === "set" && op.field === "currency"); // every line's amounts change
  const touched = new Set(repriced ? [...amounts.keys()] : ops.flatMap((op) => (op.skipped ? [] : op.op === "insertLine" ? [op.line.id] : op.op === "updateLine" ? [op.lineId] : [])));
  const lineAmounts = Object.fromEntries([...touched].filter((id) => amounts.has(id)).map((id) => [id, amounts.get(id)!]));
  changes.record({
    kind: "quote.updated",
    actor: batch.actor,
    subject: { type: "quote", id: current.id },
    data: { quoteId: current.id, clientOpId: batch.clientOpId, baseRev: batch.baseRev, rev: quote.rev, ops, lineAmounts, totals: quote.totals, approvalStatus: quote.approvalStatus, updatedAt: quote.updatedAt },
    before: { rev: current.rev },
    after: { rev: quote.rev, ops },
  });
  changes.add(
    changes.db
      .prepare("INSERT INTO quote_ops (actor_id, client_op_id, quote_id, rev, seq, at) VALUES (?, ?, ?, ?, (SELECT MAX(seq) FROM events), ?)")
      .bind(batch.actor.id, batch.clientOpId, current.id, quote.rev, changes.at),
  );
  return { quote, ops };
}

/** The quote row after a group of edit batches, guarded on `before` (and on the write it is chained on). */
export function editWrite(changes: ChangeSet, before: StoredQuote, after: StoredQuote, chainedOn: WrittenBatch | null) {
  updateQuote(changes, before, after, "rev_conflict", chainedOn);
}

/** Whether an op batch needs the quote's customer (to check a currency it sets). */
export const editNeedsCustomer = (batch: { ops: QuoteOp[] }) => batch.ops.some((op) => op.op === "set" && op.field === "currency");

/** Whether the co-editing room may apply ops to this quote now. */
export function editableByOps(quote: StoredQuote): { ok: true } | { ok: false; code: string; reason: string } {
  if (quote.archivedAt || quote.status !== "DRAFT") return { ok: false, code: "quote_not_editable", reason: `Ops apply to DRAFT quotes; this one is ${quote.archivedAt ? "archived" : quote.status}` };
  if (quote.approvalStatus === "PENDING") return { ok: false, code: "quote_pending_approval", reason: pendingApproval().message };
  return { ok: true };
}

// ---- the verbs ----

export async function get(ctx: ActionContext, id: string): Promise<QuoteView> {
  const { quote, prices, approval } = await loadForView(ctx.db, id, ctx.early);
  return quoteView(quote, prices, ctx.origin, approval);
}

export async function list(ctx: ActionContext, query: { limit: number; after?: string; status?: string; customerId?: string; includeArchived?: boolean }): Promise<Page<QuoteView>> {
  const page = await listQuotes(ctx.db, query);
  const [prices, approval] = await Promise.all([pricesOf(ctx.db, ...page.items.map((quote) => quote.lines)), approvalContext(ctx.db, page.items.map((q) => q.id))]);
  return { items: page.items.map((quote) => quoteView(quote, prices, ctx.origin, approval)), after: page.after };
}

/** A DRAFT quote, numbered per entity without gaps: the number is claimed inside the quote's batch. */
export async function create(ctx: ActionContext, input: CreateQuoteInput): Promise<QuoteView> {
  const currency = ruled(() => checkCurrency(input.currency));
  const priceIds = input.lines.map((l) => l.priceId);
  // The prices and the workflow come from the isolate's copies when it has them; the batch re-checks
  // what a copy can miss. A stale copy (or a price archived meanwhile) fails the batch: forget, read,
  // and try again — the fresh read then says exactly what is wrong.
  for (let attempt = 0; ; attempt++) {
    const [{ prices, fromCache }, workflow] = await Promise.all([cachedPrices(ctx.db, ctx.entity.id, priceIds), cachedWorkflow(ctx.db, ctx.entity.id)]);
    try {
      return await createWith(ctx, input, currency, prices, workflow);
    } catch (error) {
      // The batch's one guard failed: a copy, the customer, or a price archived after the read.
      if (!(error instanceof DomainError && error.code === UNUSABLE_CUSTOMER)) throw error;
      forgetPrices(ctx.entity.id, priceIds);
      forgetWorkflow(ctx.entity.id);
      if (fromCache || workflow.fromCache) continue;
      await billableCustomer(ctx.db, input.customerId, currency); // says exactly why when it is the customer
      if (attempt >= 2) throw new DomainError("conflict", "The quote's customer or prices changed while it was being created; try again");
    }
  }
}

async function createWith(
  ctx: ActionContext,
  input: CreateQuoteInput,
  currency: string,
  prices: Map<string, QuotePrice>,
  workflow: { version: number; workflow: ApprovalWorkflow },
): Promise<QuoteView> {
  const empty: QuoteContent = {
    title: input.title,
    currency,
    dealType: input.dealType,
    expiryDays: input.expiryDays ?? null,
    notes: input.notes ?? null,
    startDate: ruled(() => checkStartDate(input.startDate ?? null)),
    contractLengthMonths: ruled(() => checkContractLength(input.contractLengthMonths ?? DEFAULT_CONTRACT_LENGTH_MONTHS)),
    lines: [],
  };
  const content = ruled(() => applyOps(empty, linesAsOps(input.lines), prices).content, opsPathToLines);
  const changes = changeSetOf(ctx);
  // The customer is checked inside the batch (one round trip fewer on the hot path); only when the
  // check fails is it read, to say exactly why.
  requireAll(changes, [usableCustomer(input.customerId, currency), livePrices(prices), workflowAt(workflow.version)], UNUSABLE_CUSTOMER, "The customer, a price or the workflow changed; try again");
  const id = newId("quo");
  const quoteNumber = claimQuoteNumber(changes);
  const approval: ApprovalContext = { workflow: workflow.workflow, latest: new Map() };
  const { view } = draftStep(changes, { id, quoteNumber, customerId: input.customerId, content }, prices, ctx.origin, approval);
  return commit(ctx, changes, view);
}

/**
 * Change a quote. With `expectedRev` the caller edited that revision and a newer one is a conflict;
 * without it the fields apply to whatever is latest. A PUBLISHED quote becomes a new DRAFT version.
 */
export function revise(ctx: ActionContext, id: string, patch: QuotePatch, expectedRev?: number): Promise<QuoteView> {
  const attempt = async () => {
    const [before, approval] = await Promise.all([quoteOr404(ctx.db, id), approvalContext(ctx.db, [id])]);
    assertRev(before, expectedRev, "Quote");
    assertEditable(before);
    if (before.approvalStatus === "PENDING") throw pendingApproval();
    const currency = ruled(() => checkCurrency(patch.currency ?? before.currency));
    const customerId = patch.customerId ?? before.customerId;
    if (patch.customerId !== undefined || patch.currency !== undefined) await billableCustomer(ctx.db, customerId, currency);
    const prices = await pricesOf(ctx.db, before.lines, patch.lines ?? []);
    const lines = patch.lines ? ruled(() => replacementLines(patch.lines!, currency), opsPathToLines) : before.lines;
    // Prices and currency through the same rules the co-editing ops use.
    ruled(() => applyOps({ ...before, currency, lines: [] }, lines.map((l, i) => ({ op: "insertLine" as const, afterId: i ? lines[i - 1].id : null, line: { ...l } })), prices), opsPathToLines);
    const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    const revising = before.status === "PUBLISHED";
    if (changed.length === 0 && !revising) return quoteView(before, prices, ctx.origin, approval);
    const changes = changeSetOf(ctx);
    const content = {
      title: patch.title ?? before.title,
      currency,
      dealType: patch.dealType ?? before.dealType,
      expiryDays: patch.expiryDays === undefined ? before.expiryDays : patch.expiryDays,
      notes: patch.notes === undefined ? before.notes : patch.notes,
      startDate: patch.startDate === undefined ? before.startDate : ruled(() => checkStartDate(patch.startDate)),
      contractLengthMonths: patch.contractLengthMonths === undefined ? before.contractLengthMonths : ruled(() => checkContractLength(patch.contractLengthMonths)),
      lines,
    };
    const after = ruled(
      () =>
        withTotals(
          {
            ...before,
            ...content,
            customerId,
            // Editing a published quote makes it a new DRAFT version; the link keeps the published one.
            status: "DRAFT",
            version: revising ? before.version + 1 : before.version,
            // A change of a commercial term needs approval again; a title, notes or expiry change keeps it.
            approvalStatus: approvalAfterEdit(before, content),
            updatedAt: changes.at,
            rev: before.rev + 1,
          },
          prices,
        ),
      (p) => `lines.${p}`,
    );
    const view = quoteView(after, prices, ctx.origin, approval);
    updateQuote(changes, before, after);
    changes.record({ kind: "quote.updated", subject: { type: "quote", id }, data: { quote: view, changed, revised: revising }, before: { rev: before.rev }, after: view });
    return commit(ctx, changes, view);
  };
  return expectedRev === undefined ? retryOn("rev_conflict", attempt) : attempt();
}

/** PATCH lines replace all lines, in this order; existing ids keep their identity. */
function replacementLines(input: LineInput[], currency: string): QuoteLine[] {
  const positions = positionsFor(input.length);
  const seen = new Set<string>();
  return input.map((l, i) => {
    const id = l.id ?? newId("ln");
    if (seen.has(id)) throw new QuoteRuleError("duplicate_line", `Line id ${id} appears twice`, `lines.${i}.id`);
    seen.add(id);
    return {
      id,
      position: positions[i],
      priceId: l.priceId,
      quantity: checkQuantity(l.quantity, `lines.${i}.quantity`),
      discount: checkDiscount(l.discount, currency, `lines.${i}.discount`),
      description: checkDescription(l.description, `lines.${i}.description`),
    };
  });
}

export function publish(ctx: ActionContext, id: string): Promise<QuoteView> {
  return retryOn("rev_conflict", async () => {
    const { quote: before, prices, approval } = await loadForView(ctx.db, id, ctx.early);
    assertPublishable(before, "published");
    // Re-evaluated on the current revision: allowed iff its rule has no steps or its terms are the approved ones.
    const current = quoteView(before, prices, ctx.origin, approval);
    if (before.approvalStatus === "PENDING" || (current.approvalRequired && !current.termsApproved)) {
      throw new DomainError("approval_required", "This revision needs approval before it can be published");
    }
    const [customer, seller] = await Promise.all([billableCustomer(ctx.db, before.customerId, before.currency), getMerchant(ctx.db, ctx.entity)]);
    const changes = changeSetOf(ctx);
    const { view } = publishStep(changes, before, { entity: ctx.entity, customer, seller, prices, origin: ctx.origin, approval });
    return commit(ctx, changes, view);
  });
}

export function archive(ctx: ActionContext, id: string): Promise<QuoteView> {
  return retryOn("rev_conflict", async () => {
    const { quote: before, prices, approval } = await loadForView(ctx.db, id, ctx.early);
    if (before.archivedAt) throw new DomainError("invalid_state", "The quote is already archived");
    if (before.status === "EXECUTED") throw new DomainError("invalid_state", "An executed quote cannot be archived");
    // Its open tasks would stay in approvers' inboxes: withdraw it first.
    if (before.approvalStatus === "PENDING") throw pendingApproval();
    const changes = changeSetOf(ctx);
    const after: StoredQuote = { ...before, archivedAt: changes.at, updatedAt: changes.at, rev: before.rev + 1 };
    const view = quoteView(after, prices, ctx.origin, approval);
    updateQuote(changes, before, after);
    changes.record({ kind: "quote.archived", subject: { type: "quote", id }, data: { quote: view }, after: view });
    return commit(ctx, changes, view);
  });
}

/** Undo an archive: the quote is back where it was. */
export function unarchive(ctx: ActionContext, id: string): Promise<QuoteView> {
  return retryOn("rev_conflict", async () => {
    const { quote: before, prices, approval } = await loadForView(ctx.db, id, ctx.early);
    if (!before.archivedAt) throw new DomainError("invalid_state", "The quote is not archived");
    const changes = changeSetOf(ctx);
    const after: StoredQuote = { ...before, archivedAt: null, updatedAt: changes.at, rev: before.rev + 1 };
    const view = quoteView(after, prices, ctx.origin, approval);
    updateQuote(changes, before, after);
    changes.record({ kind: "quote.unarchived", subject: { type: "quote", id }, data: { quote: view }, after: view });
    return commit(ctx, changes, view);
  });
}

/** The quote as the document a customer receives (the PDF renders it). */
export async function document(ctx: ActionContext, id: string): Promise<{ quote: StoredQuote; document: BillingDocument }> {
  const { quote, prices, approval } = await loadForView(ctx.db, id, ctx.early);
  const [customer, seller] = await Promise.all([getCustomer(ctx.db, quote.customerId), getMerchant(ctx.db, ctx.entity)]);
  if (!customer) throw notFound("Customer");
  return { quote, document: quoteDocument(quoteView(quote, prices, ctx.origin, approval), sellerOf(seller), customer, { country: ctx.entity.country }) };
}

// ---- the customer link: no login; the token names the entity and the quote ----

/** The published quote behind a public token, with the document frozen at its publish. */
export async function findPublished(db: D1Database, token: string): Promise<{ quote: StoredQuote; document: PublicDocument } | null> {
  const quote = await findQuoteByToken(db, token);
  if (!quote || quote.archivedAt || quote.publishedVersion === null) return null;
  const version = await db
    .prepare("SELECT document FROM quote_versions WHERE quote_id = ? AND version = ?")
    .bind(quote.id, quote.publishedVersion)
    .first<{ document: string }>();
  if (!version) return null;
  const stored = JSON.parse(version.document) as Record<string, unknown>;
  // Only a document frozen before quote terms needs the prices (completeDocument); most need nothing.
  const legacy = !((stored.totals as Record<string, unknown> | undefined)?.totalContractValue !== undefined && (stored.seller as Record<string, unknown> | undefined)?.addressLines !== undefined);
  const prices = legacy ? await pricesOf(db, quote.lines) : new Map<string, QuotePrice>();
  const byLine = new Map(quote.lines.flatMap((l) => (prices.has(l.priceId) ? [[l.id, prices.get(l.priceId)!] as const] : [])));
  return { quote, document: completeDocument(stored, byLine) };
}

/** What the customer link shows: the published document and where the quote stands now. */
export function publicView(quote: StoredQuote, document: PublicDocument, now = Date.now()) {
  const expired = quote.expiresAt !== null && Date.parse(quote.expiresAt) < now;
  return {
    ...document,
    status: quote.status === "DRAFT" ? ("PUBLISHED" as const) : (quote.status as Exclude<QuoteStatus, "DRAFT">),
    revising: quote.status === "DRAFT",
    expired,
    acceptable: quote.status === "PUBLISHED" && !expired,
    acceptedAt: quote.acceptedAt,
    acceptedBy: quote.acceptedBy,
  };
}

/** The customer accepts the published version (ctx.actor is the customer, a system actor). */
export async function accept(ctx: ActionContext, token: string, acceptedBy: { name: string; email: string }) {
  const found = await findPublished(ctx.db, token);
  if (!found) throw notFound("Quote");
  const { quote: before, document } = found;
  if (before.status === "ACCEPTED" || before.status === "EXECUTED") throw new DomainError("invalid_state", "This quote has already been accepted");
  if (before.status === "DRAFT") throw new DomainError("quote_being_revised", "The seller is revising this quote; accept the new version once it is sent");
  if (before.expiresAt && Date.parse(before.expiresAt) < Date.now()) throw new DomainError("quote_expired", "This quote has expired");
  const [prices, approval] = await Promise.all([pricesOf(ctx.db, before.lines), approvalContext(ctx.db, [before.id])]);
  const changes = changeSetOf(ctx);
  const after = acceptStep(changes, before, acceptedBy, prices, ctx.origin, approval);
  return commit(ctx, changes, publicView(after, document));
}

/** The customer behind a public acceptance, as the actor of its events. */
export const customerActor = (acceptedBy: { name: string; email: string }): Actor => ({ type: "system", id: "customer", name: `${acceptedBy.name} <${acceptedBy.email}>` });
