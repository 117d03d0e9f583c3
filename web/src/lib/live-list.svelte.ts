// One list page's rows (customers, products, quotes): the loaded page, then "Load more" and live
// events. The pages differ in what they fetch and which rows they show, not in how the list moves.
import { goto } from "$app/navigation";
import { page } from "$app/state";
import { isApiError } from "./api.ts";
import { live, type EntityEvent } from "./live.svelte.ts";

interface Listed {
  id: string;
  rev?: number;
  updatedAt?: string;
  archivedAt?: string | null;
}

export interface Loaded<T> {
  items: T[];
  pagination: { after: string | null };
}

export interface LiveListOptions<T> {
  /** The page the route loaded; read reactively, so a new load (search, filter, resync) starts over. */
  loaded: () => Loaded<T>;
  /** Whether a row belongs in the list as filtered now (as the API would filter it). */
  matches: (item: T) => boolean;
  /** The next page after `after`, with the same filters. */
  more: (after: string) => Promise<Loaded<T>>;
  /** "customers", "products", … for messages. */
  noun: string;
  /**
   * The list's order. Given: a row that starts to match (not only a new one) is shown in its place
   * when it falls inside the loaded window. Without it, only new rows appear, at the top.
   */
  order?: (a: T, b: T) => number;
}

const FRESH_MS = 2500;

export class LiveList<T extends Listed> {
  readonly #options: LiveListOptions<T>;
  // Writable deriveds: "Load more" and events change them; a new load resets them.
  items = $derived<T[]>(this.#loadedPage().items);
  after = $derived<string | null>(this.#loadedPage().pagination.after);
  /** Ids that just arrived live, highlighted for a moment. */
  fresh = $state<Record<string, true>>({});
  loadingMore = $state(false);
  loadMoreError = $state<string | null>(null);

  constructor(options: LiveListOptions<T>) {
    this.#options = options;
  }

  #loadedPage(): Loaded<T> {
    return this.#options.loaded();
  }

  /** Apply a row we learned about (a live event or our own create). Idempotent: compares rev. */
  upsert(item: T, isNew: boolean) {
    const { matches, order } = this.#options;
    const i = this.items.findIndex((x) => x.id === item.id);
    if (i >= 0) {
      const shown = this.items[i];
      if ((shown.rev ?? 0) > (item.rev ?? 0)) return; // older than what we show
      if (shown.rev === item.rev && shown.updatedAt === item.updatedAt && shown.archivedAt === item.archivedAt) return;
      this.items = matches(item) ? this.items.with(i, item) : this.items.toSpliced(i, 1);
      return;
    }
    if (!matches(item)) return;
    if (order) {
      const last = this.items[this.items.length - 1];
      if (!isNew && this.after && last && order(item, last) > 0) return; // beyond the loaded window
      this.items = [item, ...this.items].sort(order);
    } else if (isNew) {
      this.items = [item, ...this.items];
    } else return;
    this.fresh[item.id] = true;
    setTimeout(() => delete this.fresh[item.id], FRESH_MS);
  }

  /**
   * Follow `subject` events ("customer" -> customer.created, customer.updated…, carrying
   * data.customer) after `asOf`; returns the unsubscribe. Call it in an effect that reads asOf.
   */
  follow(entityId: string, subject: string, asOf: number): () => void {
    return live.subscribe(entityId, `${subject}.`, (e: EntityEvent) => {
      const item = (e.data as Record<string, T | undefined> | undefined)?.[subject];
      if (item && typeof item.id === "string") this.upsert(item, e.kind === `${subject}.created`);
    }, asOf);
  }

  async loadMore() {
    if (!this.after || this.loadingMore) return;
    this.loadingMore = true;
    this.loadMoreError = null;
    try {
      const next = await this.#options.more(this.after);
      const seen = new Set(this.items.map((x) => x.id));
      this.items = [...this.items, ...next.items.filter((x) => !seen.has(x.id))];
      this.after = next.pagination.after;
    } catch (e) {
      this.loadMoreError = isApiError(e) ? e.message : `Could not load more ${this.#options.noun}.`;
    } finally {
      this.loadingMore = false;
    }
  }
}

/** A search as the API does it, for rows that arrive live: `q` (trimmed, any case) in one of `values`. */
export function matchesSearch(q: string, ...values: string[]): boolean {
  const needle = q.trim().toLowerCase();
  return !needle || values.some((v) => v.toLowerCase().includes(needle));
}

/** Change one query parameter of the current page in place (filters, search): a new load, same history entry. */
export function replaceParam(name: string, value: string | null) {
  const url = new URL(page.url.href);
  if ((url.searchParams.get(name) ?? null) === (value || null)) return;
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  // reset: false keeps focus in the search box and the scroll where it is (SvelteKit 3 names).
  void goto(url, { replace: true, reset: false });
}
