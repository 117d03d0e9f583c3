// One record's page (a customer, a product): the record as loaded and as live events move it, its
// edit form started from one revision (saved with If-Match), and archiving. Who changed it is said
// once: a toast when reading, a warning in the open form when editing.
import { invalidate } from "$app/navigation";
import { isApiError } from "./api.ts";
import { live, type EntityEvent } from "./live.svelte.ts";
import { session } from "./session.svelte.ts";
import { toasts } from "./toast.svelte.ts";

interface Versioned {
  id: string;
  rev?: number;
  archivedAt?: string | null;
}

export interface EditableRecordOptions<T, Input> {
  /** The record the route loaded; read reactively, so a reload starts over from it. */
  loaded: () => T;
  /** "customer", "product": for messages. */
  noun: string;
  get: (id: string) => Promise<T>;
  update: (base: T, input: Input) => Promise<T>;
  /** Archive it; the archived record if the API returns it. */
  archive: (record: T) => Promise<unknown>;
  /** Undo an archive; the record as it is now. */
  unarchive: (record: T) => Promise<T>;
}

/** The get/update/archive of an entity's resource (#lib/api.ts entityResource) for EditableRecord. */
export function recordCalls<T extends Versioned & { rev: number }, Input>(
  resource: {
    get: (entity: string, id: string) => Promise<T>;
    update: (entity: string, id: string, body: Input, rev: number | null) => Promise<T>;
    archive: (entity: string, id: string) => Promise<T>;
    unarchive: (entity: string, id: string) => Promise<T>;
  },
  entityId: () => string,
): Pick<EditableRecordOptions<T, Input>, "get" | "update" | "archive" | "unarchive"> {
  return {
    get: (id) => resource.get(entityId(), id),
    update: (base, input) => resource.update(entityId(), base.id, input, base.rev),
    archive: (record) => resource.archive(entityId(), record.id),
    unarchive: (record) => resource.unarchive(entityId(), record.id),
  };
}

export class EditableRecord<T extends Versioned, Input> {
  readonly #options: EditableRecordOptions<T, Input>;
  /** Writable derived: follows a reload, and takes newer versions from live events and saves. */
  record = $derived<T>(this.#loadedRecord());
  editing = $state(false);
  /** Bumped to re-create the form from the latest data. */
  formKey = $state(0);
  /** The revision the open form was started from: saving sends it as If-Match. */
  editBase = $state<T | null>(null);
  /** Someone else saved while this user was editing. */
  changedWhileEditing = $state<string | null>(null);
  confirmArchive = $state(false);
  archiving = $state(false);
  notice = $state<{ kind: "warning" | "error"; text: string } | null>(null);

  constructor(options: EditableRecordOptions<T, Input>) {
    this.#options = options;
  }

  #loadedRecord(): T {
    return this.#options.loaded();
  }

  /** A live event carrying `next`: take it if newer, and say who changed it. True when taken. */
  observe(e: EntityEvent, next: T | undefined): boolean {
    if (!next || next.id !== this.record.id || (next.rev ?? 0) <= (this.record.rev ?? 0)) return false;
    this.record = next;
    const mine = !!e.actor?.id && e.actor.id === session.me?.user?.id;
    if (mine && !this.editing) return true; // our own save/archive: its own message says so
    const who = e.actor?.name ?? "Someone";
    const { noun } = this.#options;
    if (this.editing) this.changedWhileEditing = `${who} changed this ${noun} while you were editing.`;
    else if (e.kind.endsWith(".archived")) toasts.show(`${who} archived this ${noun}`);
    else if (e.kind.endsWith(".unarchived")) toasts.show(`${who} restored this ${noun}`);
    else toasts.show(`Updated by ${who}`);
    return true;
  }

  /**
   * Follow `subject` events ("customer", carrying data.customer) after `asOf`; `onchange` runs when
   * one was taken. Returns the unsubscribe; call it in an effect that reads asOf.
   */
  follow(entityId: string, subject: string, asOf: number, onchange?: () => void): () => void {
    return live.subscribe(entityId, `${subject}.`, (e) => {
      if (this.observe(e, (e.data as Record<string, T | undefined> | undefined)?.[subject])) onchange?.();
    }, asOf);
  }

  startEdit() {
    this.confirmArchive = false; // one question at a time
    this.notice = null;
    this.changedWhileEditing = null;
    this.editBase = this.record;
    this.formKey++;
    this.editing = true;
  }

  cancelEdit() {
    this.editing = false;
    this.changedWhileEditing = null;
  }

  async save(input: Input) {
    try {
      this.record = await this.#options.update(this.editBase ?? this.record, input);
      this.cancelEdit();
      this.notice = null;
      toasts.show("Changes saved", "success");
    } catch (e) {
      if (!isApiError(e) || e.code !== "rev_conflict") throw e; // field errors are shown by the form
      this.cancelEdit();
      this.notice = {
        kind: "warning",
        text: `This ${this.#options.noun} was changed by someone else. The latest version is shown below — review it and edit again.`,
      };
      await this.reload();
    }
  }

  /** Undo an archive (the toast's Undo, the Unarchive button). True when it is back. */
  async unarchive(): Promise<boolean> {
    this.notice = null;
    const { noun } = this.#options;
    try {
      this.record = await this.#options.unarchive(this.record);
      toasts.show(`${noun[0].toUpperCase()}${noun.slice(1)} restored`, "success");
      return true;
    } catch (e) {
      this.notice = { kind: "error", text: isApiError(e) ? e.message : `Could not restore the ${noun}.` };
      return false;
    }
  }

  /** Archive after the user confirmed. True when it is archived. */
  async archive(): Promise<boolean> {
    this.archiving = true;
    this.notice = null;
    const { noun } = this.#options;
    try {
      const archived = await this.#options.archive(this.record);
      if (archived && typeof archived === "object" && "id" in archived) this.record = archived as T;
      else await this.reload();
      toasts.show(`${noun[0].toUpperCase()}${noun.slice(1)} archived`, "success", 8000, { label: "Undo", run: () => void this.unarchive() });
      return true;
    } catch (e) {
      this.notice = { kind: "error", text: isApiError(e) ? e.message : `Could not archive the ${noun}.` };
      return false;
    } finally {
      this.archiving = false;
      this.confirmArchive = false;
    }
  }

  async reload() {
    try {
      this.record = await this.#options.get(this.record.id);
    } catch {
      await invalidate(() => true);
    }
  }
}
