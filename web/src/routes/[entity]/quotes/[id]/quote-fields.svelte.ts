// The quote's own fields while they are edited (title, deal type, expiry, notes): the text typed is
// kept while the field has focus, checked with the domain's rules, and sent as a `set` op once valid.
import { QuoteEditor, type FieldName } from "#lib/quotes/editor.svelte.ts";

export class QuoteFields {
  /** What is typed, while the field has focus (it may not be valid yet). */
  drafts = $state<Partial<Record<FieldName, string>>>({});
  invalid = $state<Partial<Record<FieldName, string>>>({});
  readonly #editor: QuoteEditor;

  constructor(editor: QuoteEditor) {
    this.#editor = editor;
  }

  focus(field: FieldName) {
    this.#editor.setFocus(field);
  }

  blur(field: FieldName) {
    this.#editor.flush();
    delete this.drafts[field];
    delete this.invalid[field];
    this.#editor.setFocus(null);
  }

  /** Typed text: kept as typed; sent when `value` passes the field's rule, else `message` shows. */
  #input(field: FieldName, raw: string, value: unknown, message: string) {
    this.drafts[field] = raw;
    if (Number.isNaN(value) || QuoteEditor.checkField(field, value)) {
      this.invalid[field] = message;
      return;
    }
    delete this.invalid[field];
    this.#editor.setField(field, value);
  }

  title(input: string) {
    const raw = input.replace(/[\r\n]+/g, " ");
    this.#input("title", raw, raw, "A title is required (up to 200 characters)");
  }

  notes(raw: string) {
    this.#input("notes", raw, raw === "" ? null : raw, "At most 5000 characters");
  }

  expiry(raw: string) {
    const t = raw.trim();
    this.#input("expiryDays", raw, t === "" ? null : /^\d+$/.test(t) ? Number(t) : NaN, "1 to 365 days, or empty");
  }

  /** A date input's value ("" = the day the customer accepts); sent at once, it is a picker. */
  startDate(raw: string) {
    this.#input("startDate", raw, raw === "" ? null : raw, "A date, or empty for the acceptance date");
  }

  contractLength(raw: string) {
    const t = raw.trim();
    this.#input("contractLengthMonths", raw, /^\d+$/.test(t) ? Number(t) : NaN, "1 to 120 months");
  }

  dealType(value: string) {
    this.#editor.setField("dealType", value);
    this.#editor.flush();
  }
}
