// A form's submission state: saving, and the API's validation errors placed at the fields their
// `details[].path` names; what names no field goes to the summary at the top (FormError).
import { tick } from "svelte";
import { isApiError } from "./api.ts";

export interface SubmitOptions<K extends string> {
  /** The form, to focus its first invalid field. */
  form: HTMLElement | undefined;
  /** The field an error path belongs to, if any. */
  fieldFor: (path: string) => K | null;
  /** The API's message (zod's words) as a person would write it. */
  humanize?: (message: string, field: K | null) => string;
  /** Errors are about to show: reveal what hides their fields (a collapsed section). */
  reveal?: (errors: Partial<Record<K, string>>) => void;
  /** No field is invalid: focus the summary (FormError) instead, so its message is read out. */
  focusSummary?: boolean;
}

export class FormState<K extends string> {
  saving = $state(false);
  formError = $state<string | null>(null);
  otherErrors = $state<{ path: string; message: string }[]>([]);
  fieldErrors = $state<Partial<Record<K, string>>>({});

  /**
   * The person edited a control (the form's input/change event): its field's error goes at once,
   * and the summary with the last one, so a fixed field does not keep saying it is wrong.
   */
  edited(e: Event, fieldFor: (path: string) => K | null): void {
    const name = (e.target as HTMLInputElement | null)?.name;
    const field = name ? fieldFor(name) : null;
    if (!field || !(field in this.fieldErrors)) return;
    const rest = { ...this.fieldErrors };
    delete rest[field];
    this.fieldErrors = rest;
    if (Object.keys(rest).length === 0 && this.otherErrors.length === 0) this.formError = null;
  }

  /** Run `save` unless one is running. True when it succeeded; errors are shown, not thrown. */
  async submit(save: () => Promise<void>, options: SubmitOptions<K>): Promise<boolean> {
    if (this.saving) return false;
    this.formError = null;
    this.otherErrors = [];
    this.fieldErrors = {};
    this.saving = true;
    try {
      await save();
      return true;
    } catch (err) {
      if (!isApiError(err)) {
        this.formError = "Something went wrong. Please try again.";
        console.error(err);
        return false;
      }
      const fields: Partial<Record<K, string>> = {};
      const rest: { path: string; message: string }[] = [];
      for (const d of err.details) {
        const path = String(d?.path ?? "");
        const field = path ? options.fieldFor(path) : null;
        const raw = String(d?.message ?? "");
        const message = options.humanize ? options.humanize(raw, field) : raw;
        if (field && !fields[field]) fields[field] = message;
        else if (!field) rest.push({ path, message });
      }
      this.fieldErrors = fields;
      this.otherErrors = rest;
      this.formError = Object.keys(fields).length > 0 ? "Please correct the highlighted fields." : err.message;
      options.reveal?.(fields);
      await tick();
      const invalid = options.form?.querySelector<HTMLElement>('[aria-invalid="true"]');
      (invalid ?? (options.focusSummary ? options.form?.querySelector<HTMLElement>('[role="alert"]') : null))?.focus();
      return false;
    } finally {
      this.saving = false;
    }
  }
}
