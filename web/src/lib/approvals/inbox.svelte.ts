// My open approval tasks in one entity, for the navigation's badge and the "a task arrived" toast.
// Started by the entity layout; follows task.* events on the entity's socket (live.svelte.ts), so
// the count moves as tasks arrive and as colleagues decide, without a fetch.
import { goto } from "$app/navigation";
import { page } from "$app/state";
import { live, type EntityEvent } from "../live.svelte.ts";
import { money } from "../money.ts";
import { toasts } from "../toast.svelte.ts";
import { tasksApi } from "./api.ts";
import type { Task } from "./types.ts";

/** A task event's task: the contract's data is the Task (older shapes nest it under `task`). */
export function taskOf(e: EntityEvent): (Partial<Task> & { id: string }) | null {
  const data = e.data as Record<string, unknown> | undefined;
  const t = (data?.task ?? data) as Partial<Task> | undefined;
  const id = typeof t?.id === "string" ? t.id : e.subject?.type === "task" ? e.subject.id : null;
  return id ? { ...t, id } : null;
}

class Inbox {
  /** My open tasks in the current entity; null until loaded. */
  count = $state<number | null>(null);
  #open = new Set<string>();
  #generation = 0;

  /** Follow one entity's tasks for `userId`; returns the stop function. */
  start(entity: { id: string; slug: string }, userId: string | null, startSeq: number | null): () => void {
    const generation = ++this.#generation;
    this.#open = new Set();
    this.count = null;
    if (!userId) return () => undefined;
    let off: (() => void) | null = null;
    let replaying = true;
    const asOf = live.asOf(entity.id, startSeq); // before the fetch: see live.svelte.ts
    const onEvent = (e: EntityEvent) => {
      const t = taskOf(e);
      if (!t || t.assigneeUserId !== userId) return;
      if (e.kind === "task.created" && (t.status ?? "OPEN") === "OPEN") {
        this.#open.add(t.id);
        if (!replaying) this.#arrived(entity.slug, t);
      } else if (e.kind === "task.completed" || (t.status && t.status !== "OPEN")) this.#open.delete(t.id);
      this.count = this.#open.size;
    };
    tasksApi.list(entity.id, { status: "OPEN", assignee: "me" }).then(
      (res) => {
        if (generation !== this.#generation) return;
        this.#open = new Set(res.items.map((t) => t.id));
        this.count = this.#open.size;
        off = live.subscribe(entity.id, "task.", onEvent, asOf);
        replaying = false;
      },
      () => {
        // No inbox (e.g. the API key has no tasks): no badge rather than a wrong one.
        if (generation === this.#generation) this.count = null;
      },
    );
    return () => {
      if (generation === this.#generation) this.#generation++;
      off?.();
    };
  }

  /** A task for me arrived while I am elsewhere in the app: say so, with a way there. */
  #arrived(slug: string, t: Partial<Task> & { id: string }) {
    const path = page.url.pathname;
    if (path === `/${slug}/inbox` || path.startsWith(`/${slug}/inbox/${t.id}`)) return; // it is on screen already
    const what = [t.quoteNumber, t.quote?.customerName].filter(Boolean).join(" · ");
    const amount = t.quote ? ` — ${money(t.quote.totalContractValue, t.quote.currency)}` : "";
    toasts.show(`New approval request${what ? `: ${what}` : ""}${amount}`, "info", 10_000, {
      label: "Review",
      run: () => void goto(`/${slug}/inbox/${t.id}`),
    });
  }
}

export const inbox = new Inbox();
