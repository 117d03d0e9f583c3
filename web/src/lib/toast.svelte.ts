// Short-lived notices ("Customer created"). Rendered once by components/Toasts.svelte.
export interface Toast {
  id: number;
  message: string;
  kind: "info" | "success" | "error";
  /** One button on the toast ("Undo"); pressing it runs `run` and closes the toast. */
  action?: { label: string; run: () => void };
}

let nextId = 1;

class Toasts {
  items = $state<Toast[]>([]);

  show(message: string, kind: Toast["kind"] = "info", ms = 3500, action?: Toast["action"]) {
    const id = nextId++;
    this.items = [...this.items, { id, message, kind, action }].slice(-3);
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
