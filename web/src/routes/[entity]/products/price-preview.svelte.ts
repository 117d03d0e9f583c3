// The price editor's live preview: what the quantity costs for one period, priced by the server
// (POST /pricing/preview, debounced) from the structure as typed. The server's verdict on a field
// ("tiers.1.upperBound") shows at that field while typing, before any save.
import { untrack } from "svelte";
import { isApiError, type ApiError } from "#lib/api.ts";
import { catalogApi } from "./catalog.ts";

export type PreviewState =
  | { status: "idle"; message: string }
  | { status: "ok"; amount: string; currency: string; quantity: string }
  | { status: "invalid" | "error"; message: string };

export interface PreviewInput {
  currency: string;
  structure: unknown;
  /** A required field is empty: nothing to ask yet. */
  missing: boolean;
}

export interface PricePreviewOptions {
  entityId: string;
  /** What to price now; read reactively. */
  input: () => PreviewInput;
  /** The API's details as field errors and the rest. */
  place: (err: ApiError) => { fields: Record<string, string>; other: { path: string; message: string }[] };
  /** The structure as typed is valid. */
  onvalid: () => void;
}

const DEBOUNCE_MS = 250;

export class PricePreview {
  quantity = $state("1");
  state = $state<PreviewState>({ status: "idle", message: "Enter the prices to see the amount." });
  pending = $state(false);
  /** Field errors from the last answer: the server's verdict on what is typed now. */
  errors = $state<Record<string, string>>({});
  #seq = 0; // the latest request wins; older answers are dropped
  #controller: AbortController | null = null;
  readonly #options: PricePreviewOptions;

  /** Create during component init: the preview follows the input in an effect. */
  constructor(options: PricePreviewOptions) {
    this.#options = options;
    $effect(() => {
      const input = { ...options.input(), quantity: this.quantity.trim() };
      const mine = ++this.#seq; // an answer to an earlier input is now stale
      if (!input.quantity || input.missing) {
        this.#controller?.abort();
        untrack(() => {
          this.errors = {};
          this.pending = false;
          this.state = {
            status: "idle",
            message: input.missing ? "Enter the prices to see the amount." : "Enter a quantity to see the amount.",
          };
        });
        return;
      }
      untrack(() => (this.pending = true));
      const timer = setTimeout(() => void this.#run(mine, input), DEBOUNCE_MS);
      return () => clearTimeout(timer);
    });
  }

  async #run(mine: number, input: PreviewInput & { quantity: string }) {
    if (mine !== this.#seq) return;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const res = await catalogApi.preview(
        this.#options.entityId,
        { currency: input.currency, structure: input.structure, quantity: input.quantity },
        controller.signal,
      );
      if (mine !== this.#seq) return;
      this.state = { status: "ok", amount: res.amount, currency: res.currency, quantity: input.quantity };
      this.errors = {};
      this.#options.onvalid();
    } catch (e) {
      if ((e as Error)?.name === "AbortError" || mine !== this.#seq) return;
      if (isApiError(e) && (e.status === 400 || e.status === 422)) {
        const { fields, other } = this.#options.place(e);
        this.errors = fields;
        this.state = {
          status: "invalid",
          message: other.length
            ? other.map((o) => o.message).join(" · ")
            : Object.keys(fields).length
              ? "Fix the highlighted fields to see the amount."
              : e.message,
        };
      } else {
        this.state = { status: "error", message: isApiError(e) ? e.message : "The preview is unavailable right now." };
      }
    } finally {
      if (mine === this.#seq) this.pending = false;
    }
  }
}
