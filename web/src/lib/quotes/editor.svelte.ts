// The client side of co-editing one DRAFT quote (DESIGN.md §5, API.md "Co-editing a DRAFT quote").
//
//   confirmed  the server's state. It moves ONLY with the entity's events, in seq order: a
//              co-editing `quote.updated` carries the ops as applied (server positions, `skipped`
//              marks), the touched lines' amounts, the totals and the new rev; any other quote event
//              carries the whole quote (`data.quote`), which replaces it.
//   pending    this client's op batches that no event has confirmed yet, oldest first, plus the
//              `open` batch still collecting keystrokes (debounced per field, flushed on blur).
//   view       confirmed with every pending batch re-applied on top by the domain's own `applyOps`,
//              priced by the domain's `quoteTotals`: optimistic lines and totals are exact, and when
//              the server's order differs, the next event rebases them.
//
// A batch leaves `pending` when its event arrives (matched by clientOpId) or when it is rejected
// (toast). While the socket is down batches queue; after the next `synced` every batch not sent on
// the current connection is sent again, in order, with its original clientOpId (the room acks a
// repeat without applying it twice).
import { untrack } from "svelte";
import type { EntityEvent, PresenceUser, QuoteOp, ServerMessage } from "$protocol";
import {
  applyOps,
  checkDescription,
  checkDiscount,
  checkExpiryDays,
  checkStartDate,
  checkContractLength,
  checkNotes,
  checkQuantity,
  checkTitle,
  quoteTotals,
  type AppliedOp,
  type Discount,
  type LineAmounts,
  type QuoteContent,
  type QuoteLine,
  type QuotePrice,
  type QuoteTotals,
} from "../../../../worker/domain/quote.ts";
import { MAX_OPS_PER_BATCH } from "$protocol";
import { live } from "../live.svelte.ts";
import { toasts } from "../toast.svelte.ts";
import { quotesApi } from "./api.ts";
import { randomId } from "./format.ts";
import type { Price, Quote } from "$worker/api/types.ts";
import { applyApplied, confirmedFrom, rejectMessage, ruleError, sortLines, toQuotePrice, type Batch, type Confirmed, type FieldName, type LineField, type OpsEventData, type SaveState, type View, type ViewLine } from "./editor-state.ts";

export { applyApplied, confirmedFrom, ruleError, toQuotePrice, type Batch, type Confirmed, type FieldName, type LineField, type SaveState, type View, type ViewLine } from "./editor-state.ts";

const DEBOUNCE_MS = 300;

/** Ops on what no approval rule looks at (the title, notes, expiry, a line's description). */
const touchesTerms = (op: AppliedOp) =>
  !(op.op === "set" && (op.field === "title" || op.field === "notes" || op.field === "expiryDays")) && !(op.op === "updateLine" && op.field === "description");

export class QuoteEditor {
  readonly entityId: string;
  readonly quoteId: string;
  readonly myUserId: string | null;

  confirmed = $state.raw<Confirmed>(null as unknown as Confirmed);
  pending = $state.raw<Batch[]>([]);
  open = $state.raw<QuoteOp[]>([]);
  prices = $state.raw<Map<string, QuotePrice>>(new Map());
  /** Everyone on this quote (from the room), this user included. */
  presence = $state.raw<PresenceUser[]>([]);
  /** Someone else just replaced a value this user had set: "Sam changed Qty on line 2 to 40". */
  overwritten = $state<{ text: string; key: string } | null>(null);
  /** What this user last set per field ("set:title", "line:<id>:quantity"), as JSON. */
  #mine = new Map<string, string>();
  /** The field this user is on (sent as presence). */
  focus = $state<string | null>(null);

  /** Confirmed + pending, priced by the domain code. */
  view: View = $derived.by(() => this.#computeView());

  /** Changes not yet confirmed by an event (ops, for the "N changes queued" indicator). */
  queuedOps = $derived(this.pending.reduce((n, b) => n + b.ops.length, 0) + this.open.length);

  #openKeys: (string | null)[] = [];
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Co-editing events that arrived after a gap in rev, kept while the quote is refetched. */
  #held: OpsEventData[] = [];
  #refetching: Promise<void> | null = null;
  #waiters: (() => void)[] = [];
  #missingPrices = new Set<string>();
  #disposed = false;

  constructor(init: { entityId: string; quote: Quote; prices: Price[]; productNames: Map<string, string>; myUserId: string | null }) {
    this.entityId = init.entityId;
    this.quoteId = init.quote.id;
    this.myUserId = init.myUserId;
    this.confirmed = confirmedFrom(init.quote);
    this.prices = new Map(init.prices.map((p) => [p.id, toQuotePrice(p, init.productNames)]));
  }

  // ---------------------------------------------------------------- view

  #computeView(): View {
    const c = this.confirmed;
    const batches = this.pending.map((b) => b.ops);
    if (this.open.length) batches.push(this.open);
    let content = c.content;
    for (const ops of batches) {
      try {
        content = applyOps(content, ops, this.prices).content;
      } catch {
        // The server will refuse this batch too (its reject removes it); show the rest.
      }
    }
    let amounts: Record<string, LineAmounts | null> = c.amounts;
    let totals = c.totals;
    if (batches.length) {
      try {
        const priced = quoteTotals(content.lines, this.prices, content.currency, content.contractLengthMonths);
        amounts = Object.fromEntries(priced.lines);
        totals = priced.totals;
      } catch {
        // A price this client has not loaded (created after the page opened): keep the server's
        // amounts until its event arrives, and fetch the price.
        for (const l of content.lines) if (!this.prices.has(l.priceId)) queueMicrotask(() => this.#loadPrice(l.priceId));
      }
    }
    return { content, lines: content.lines.map((l) => ({ ...l, amounts: amounts[l.id] ?? null })), totals };
  }

  get quote(): Quote {
    return this.confirmed.quote;
  }

  /** The places (a field, a line) that hold text failing its rule: nothing of theirs is sent. */
  invalidAt = $state<Record<string, true>>({});

  /** Mark or clear a place as holding invalid text (the save pill then says "Not saved"). */
  setInvalid(place: string, invalid: boolean) {
    // Called from effects: reading invalidAt there must not make them depend on it.
    const was = untrack(() => this.invalidAt);
    if (invalid === !!was[place]) return;
    const next = { ...was };
    if (invalid) next[place] = true;
    else delete next[place];
    this.invalidAt = next;
  }

  get saveState(): SaveState {
    if (Object.keys(this.invalidAt).length > 0) return "invalid";
    if (this.queuedOps === 0) return "saved";
    return live.state === "live" ? "saving" : "offline";
  }

  // ---------------------------------------------------------------- local edits

  /** Set a quote field; the value must pass the domain's check (the caller validated it). */
  setField(field: FieldName, value: unknown) {
    this.#push({ op: "set", field, value } as QuoteOp, `set:${field}`);
    this.#debounce(`set:${field}`);
  }

  updateLine(lineId: string, field: LineField, value: unknown, immediate = false) {
    const key = `line:${lineId}:${field}`;
    this.#push({ op: "updateLine", lineId, field, value }, key);
    if (immediate) this.flush();
    else this.#debounce(key);
  }

  /** Insert a line after `afterId` (null = first); returns its new id. */
  insertLine(afterId: string | null, priceId: string, quantity = "1"): string {
    const id = randomId("ln");
    this.#push({ op: "insertLine", afterId, line: { id, priceId, quantity, discount: null } }, null);
    this.flush();
    return id;
  }

  removeLine(lineId: string) {
    this.#push({ op: "removeLine", lineId }, null);
    this.flush();
  }

  /** Move a line one place up (-1) or down (+1) in the current view. */
  moveLine(lineId: string, direction: -1 | 1) {
    const lines = this.view.lines;
    const i = lines.findIndex((l) => l.id === lineId);
    if (i < 0) return;
    const j = i + direction;
    if (j < 0 || j >= lines.length) return;
    // Up: after the line two above (or first). Down: after the next line.
    const afterId = direction < 0 ? (j - 1 >= 0 ? lines[j - 1].id : null) : lines[j].id;
    this.#push({ op: "moveLine", lineId, afterId }, null);
    this.flush();
  }

  /** Add an op to the open batch; a later edit of the same field replaces the earlier one in place. */
  #push(op: QuoteOp, key: string | null) {
    if (key !== null) this.#mine.set(key, JSON.stringify(op.op === "set" || op.op === "updateLine" ? op.value : null));
    if (key !== null) {
      const i = this.#openKeys.indexOf(key);
      if (i >= 0) {
        this.open = this.open.with(i, op);
        return;
      }
    }
    this.open = [...this.open, op];
    this.#openKeys.push(key);
    if (this.open.length >= MAX_OPS_PER_BATCH) this.flush();
  }

  #debounce(key: string) {
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        this.flush();
      }, DEBOUNCE_MS),
    );
  }

  /** Seal the open batch into the queue and send it (if connected). */
  flush() {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    if (this.open.length === 0) return;
    const batch: Batch = { clientOpId: randomId("op"), ops: this.open, sentOn: null, ackSeq: null };
    this.open = [];
    this.#openKeys = [];
    this.pending = [...this.pending, batch];
    if (live.state === "live") this.#send(batch);
  }

  /** Flush, then resolve once every batch is confirmed (or rejected). */
  settled(): Promise<void> {
    this.flush();
    if (this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #send(batch: Batch) {
    if (this.#disposed) return;
    const sent = live.send({ type: "op", clientOpId: batch.clientOpId, quoteId: this.quoteId, baseRev: this.confirmed.quote.rev, ops: batch.ops });
    if (sent) batch.sentOn = live.connectionId;
  }

  #resendUnsent() {
    for (const batch of this.pending) if (batch.sentOn !== live.connectionId) this.#send(batch);
  }

  #drop(clientOpId: string): Batch | null {
    const batch = this.pending.find((b) => b.clientOpId === clientOpId) ?? null;
    if (batch) {
      this.pending = this.pending.filter((b) => b !== batch);
      if (this.pending.length === 0) {
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters) w();
      }
    }
    return batch;
  }

  /** Acked batches whose event seq has passed without matching (e.g. after a resync): settle them. */
  #dropPassed() {
    const passed = this.pending.filter((b) => b.ackSeq !== null && b.ackSeq <= live.seq);
    if (!passed.length) return;
    for (const b of passed) this.#drop(b.clientOpId);
    void this.refetch();
  }

  // ---------------------------------------------------------------- presence

  setFocus(field: string | null) {
    if (this.focus === field) return;
    this.focus = field;
    this.#sendPresence();
  }

  #sendPresence() {
    if (!this.#disposed) live.send({ type: "presence", quoteId: this.quoteId, field: this.focus });
  }

  /** Other users on this quote (one entry per user; the field of the most specific connection). */
  get others(): PresenceUser[] {
    // Offline, who else is here is not known: show no one rather than who was here before.
    if (live.state !== "live") return [];
    const byUser = new Map<string, PresenceUser>();
    for (const u of this.presence) {
      if (u.userId === this.myUserId) continue;
      const seen = byUser.get(u.userId);
      if (!seen || (!seen.field && u.field)) byUser.set(u.userId, u);
    }
    return [...byUser.values()];
  }

  // ---------------------------------------------------------------- server messages

  /** Attach to the live connection; returns the detach function. */
  attach(asOf: number): () => void {
    const offEvents = live.subscribe(this.entityId, "quote.", (e) => this.onEvent(e), asOf);
    const offMessages = live.onMessage((m) => this.onMessage(m));
    if (live.state === "live") {
      this.#sendPresence();
      this.#resendUnsent();
    }
    return () => {
      offEvents();
      offMessages();
    };
  }

  dispose() {
    this.flush();
    live.send({ type: "presence", quoteId: null, field: null });
    this.#disposed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
  }

  onMessage(m: ServerMessage) {
    switch (m.type) {
      case "ack": {
        const batch = this.pending.find((b) => b.clientOpId === m.clientOpId);
        if (!batch) return;
        batch.ackSeq = m.seq;
        // Its event is already behind us (its seq passed unmatched): the state has it.
        if (m.seq <= live.seq) this.#dropPassed();
        return;
      }
      case "reject": {
        const batch = this.#drop(m.clientOpId);
        if (batch) toasts.show(rejectMessage(m.error), "error", 6000);
        return;
      }
      case "presence":
        if (m.quoteId === this.quoteId) this.presence = m.users;
        return;
      case "synced":
        // (Re)connected and caught up: presence was dropped with the old socket; resend what is
        // still pending, in order, with the original clientOpIds.
        this.#sendPresence();
        this.#dropPassed();
        this.#resendUnsent();
        return;
    }
  }

  onEvent(e: EntityEvent) {
    if (e.subject?.type !== "quote" || e.subject.id !== this.quoteId) return;
    const data = e.data as Record<string, unknown>;
    if (data.truncated === true) {
      // Too large to carry (an oversized change): the event only says it happened; fetch the quote.
      if (typeof data.clientOpId === "string") this.#drop(data.clientOpId);
      void this.refetch();
      return;
    }
    const full = data.quote as Quote | undefined;
    if (full && typeof full === "object" && full.id === this.quoteId) {
      this.replace(full);
      if (full.status !== "DRAFT" || full.archivedAt) this.#discardLocal();
      return;
    }
    if (Array.isArray(data.ops) && typeof data.rev === "number") {
      const d = data as unknown as OpsEventData;
      const mine = typeof d.clientOpId === "string" && this.pending.some((b) => b.clientOpId === d.clientOpId);
      if (!mine && e.actor?.id !== this.myUserId) this.#noticeOverwrites(d.ops, e.actor?.name ?? "Someone");
      this.#onOps(d);
      // Whether the new terms need approval is the server's call (the workflow): ask it when the
      // event does not say.
      if (d.approvalRequired === undefined && this.#knowsApproval() && d.ops.some(touchesTerms)) this.#refetchSoon();
      return;
    }
    // Any other change of this quote (submitted, approved, rejected…) without the quote: fetch it.
    void this.refetch();
  }

  /** The API tells this quote's approval needs (the approvals contract's QuoteView fields). */
  #knowsApproval(): boolean {
    return "approvalRequired" in this.confirmed.quote;
  }

  #soon: ReturnType<typeof setTimeout> | null = null;
  /** One refetch for a burst of co-editing events. */
  #refetchSoon() {
    if (this.#soon) return;
    this.#soon = setTimeout(() => {
      this.#soon = null;
      if (!this.#disposed) void this.refetch();
    }, 400);
  }

  /** A value this user set, changed by someone else to something else: say who and what, quietly. */
  #noticeOverwrites(ops: AppliedOp[], who: string) {
    for (const op of ops) {
      if (op.skipped) continue;
      const key = op.op === "set" ? `set:${op.field}` : op.op === "updateLine" ? `line:${op.lineId}:${op.field}` : null;
      if (!key || !this.#mine.has(key)) continue;
      const value = (op as { value?: unknown }).value;
      if (this.#mine.get(key) === JSON.stringify(value)) continue;
      this.#mine.delete(key); // said once; their value is the quote's now
      this.overwritten = { key, text: `${who} changed ${this.#describe(op, value)}` };
    }
  }

  #describe(op: AppliedOp, value: unknown): string {
    const FIELD: Record<string, string> = {
      title: "the title",
      notes: "the notes",
      expiryDays: "the expiry",
      dealType: "the deal type",
      startDate: "the start date",
      contractLengthMonths: "the contract length",
      quantity: "Qty",
      discount: "the discount",
      description: "the description",
      priceId: "the price",
    };
    let shown: string;
    if (value === null || value === undefined || value === "") shown = "nothing";
    else if (op.op === "updateLine" && op.field === "priceId") shown = this.prices.get(String(value))?.name ?? String(value);
    else if (op.op === "updateLine" && op.field === "discount" && typeof value === "object") {
      const dsc = value as { type: string; value: string };
      shown = dsc.type === "PERCENTAGE" ? `${dsc.value}%` : `${dsc.value} ${this.confirmed.quote.currency}`;
    } else shown = typeof value === "string" && (op.op === "set" && (op.field === "title" || op.field === "notes")) ? `“${value}”` : String(value);
    if (op.op === "updateLine") {
      const index = this.confirmed.content.lines.findIndex((l) => l.id === op.lineId);
      return `${FIELD[op.field] ?? op.field}${index >= 0 ? ` on line ${index + 1}` : ""} to ${shown}`;
    }
    return `${op.op === "set" ? (FIELD[op.field] ?? op.field) : ""} to ${shown}`;
  }

  #onOps(d: OpsEventData) {
    if (typeof d.clientOpId === "string") this.#drop(d.clientOpId);
    const rev = this.confirmed.quote.rev;
    if (d.rev <= rev) return; // the state has it already (a refetch was newer)
    if (d.rev !== rev + 1) {
      // A revision we have not seen: refetch, and apply what follows it afterwards.
      this.#held.push(d);
      void this.refetch();
      return;
    }
    this.#applyOpsEvent(d);
  }

  #applyOpsEvent(d: OpsEventData) {
    const c = this.confirmed;
    const content = applyApplied(c.content, d.ops);
    const amounts: Record<string, LineAmounts> = {};
    for (const l of content.lines) {
      const a = d.lineAmounts?.[l.id] ?? c.amounts[l.id];
      if (a) amounts[l.id] = a;
    }
    this.confirmed = {
      quote: {
        ...c.quote,
        title: content.title,
        currency: content.currency,
        dealType: content.dealType,
        expiryDays: content.expiryDays,
        notes: content.notes,
        startDate: content.startDate,
        contractLengthMonths: content.contractLengthMonths,
        rev: d.rev,
        updatedAt: d.updatedAt ?? c.quote.updatedAt,
        // The server says where approval stands after the batch; an older event that does not
        // is a change of terms, which needs approval afresh.
        approvalStatus: d.approvalStatus ?? "NOT_REQUIRED",
        ...(d.approvalRequired !== undefined ? { approvalRequired: d.approvalRequired } : {}),
        ...(d.termsApproved !== undefined ? { termsApproved: d.termsApproved } : {}),
        totals: d.totals ?? c.totals,
      },
      content,
      amounts,
      totals: d.totals ?? c.totals,
    };
  }

  /** Replace the confirmed state with a full quote (REST change, refetch) unless it is older. */
  replace(quote: Quote) {
    if (quote.rev < this.confirmed.quote.rev) return;
    this.confirmed = confirmedFrom(quote);
    for (const l of quote.lines) if (!this.prices.has(l.priceId)) void this.#loadPrice(l.priceId);
    const held = this.#held.filter((d) => d.rev > quote.rev).sort((a, b) => a.rev - b.rev);
    this.#held = [];
    for (const d of held) {
      if (d.rev === this.confirmed.quote.rev + 1) this.#applyOpsEvent(d);
      else if (d.rev > this.confirmed.quote.rev + 1) {
        this.#held.push(d);
      }
    }
    if (this.#held.length) void this.refetch();
  }

  /** GET the quote again (a rev gap, or a settled batch whose event we never saw). */
  refetch(): Promise<void> {
    this.#refetching ??= (async () => {
      try {
        const q = await quotesApi.get(this.entityId, this.quoteId);
        this.#refetching = null;
        this.replace(q);
      } catch {
        this.#refetching = null;
      }
    })();
    return this.#refetching;
  }

  /** The quote left DRAFT: local edits can no longer apply. */
  #discardLocal() {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.open = [];
    this.#openKeys = [];
  }

  async #loadPrice(id: string) {
    if (this.prices.has(id) || this.#missingPrices.has(id)) return;
    this.#missingPrices.add(id);
    try {
      const p = await quotesApi.price(this.entityId, id);
      this.prices = new Map(this.prices).set(p.id, toQuotePrice(p, new Map()));
    } catch {
      /* keep the server's amounts */
    }
  }

  // ---------------------------------------------------------------- validation helpers for inputs

  static checkField(field: FieldName, value: unknown): string | null {
    switch (field) {
      case "title":
        return ruleError(() => checkTitle(value));
      case "notes":
        return ruleError(() => checkNotes(value));
      case "expiryDays":
        return ruleError(() => checkExpiryDays(value));
      case "startDate":
        return ruleError(() => checkStartDate(value));
      case "contractLengthMonths":
        return ruleError(() => checkContractLength(value));
      default:
        return null;
    }
  }

  checkLine(field: LineField, value: unknown): string | null {
    const currency = this.view.content.currency;
    switch (field) {
      case "quantity":
        return ruleError(() => checkQuantity(value));
      case "discount":
        return ruleError(() => checkDiscount(value, currency));
      case "description":
        return ruleError(() => checkDescription(value));
      default:
        return null;
    }
  }
}
