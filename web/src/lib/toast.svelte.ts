// Short-lived notices ("Customer created"). Rendered once by components/Toasts.svelte.
export interface Toast {
  id: number;
  message: string;
  kind: "info" | "success" | "error";
}

let nextId = 1;

class Toasts {
  items = $state<Toast[]>([]);

  show(message: string, kind: Toast["kind"] = "info", ms = 3500) {
    const id = nextId++;
    this.items = [...this.items, { id, message, kind }].slice(-3);
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
