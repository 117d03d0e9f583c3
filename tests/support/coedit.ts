// Co-editing helpers: send op batches and await their ack/reject; replay applied ops like a client.
import type { QuoteOp } from "../../party/protocol.ts";
import type { LiveSocket } from "./live.ts";

let counter = 0;

export async function sendOps(live: LiveSocket, quoteId: string, baseRev: number, ops: QuoteOp[], clientOpId = `op-${Date.now()}-${++counter}-${Math.random().toString(36).slice(2, 7)}`) {
  const from = live.messages.length;
  live.send({ type: "op", clientOpId, quoteId, baseRev, ops });
  const answer: any = await live.waitFor((m: any) => (m.type === "ack" || m.type === "reject") && m.clientOpId === clientOpId, 20_000, from);
  return { clientOpId, answer };
}

export interface ReplayLine {
  id: string;
  position: string;
  priceId: string;
  quantity: string;
  discount: unknown;
  description: string | null;
}

/** Apply `quote.updated` ops as applied by the server (positions resolved), as a client does. */
export function replay(initial: { fields: Record<string, unknown>; lines: ReplayLine[] }, events: any[]) {
  const fields = { ...initial.fields };
  const lines = new Map(initial.lines.map((l) => [l.id, { ...l }]));
  for (const event of events) {
    for (const op of event.data.ops ?? []) {
      if (op.skipped) continue;
      if (op.op === "set") fields[op.field] = op.value;
      else if (op.op === "insertLine") lines.set(op.line.id, { id: op.line.id, position: op.position, priceId: op.line.priceId, quantity: op.line.quantity, discount: op.line.discount ?? null, description: op.line.description ?? null });
      else if (op.op === "updateLine") (lines.get(op.lineId) as any)[op.field] = op.value;
      else if (op.op === "removeLine") lines.delete(op.lineId);
      else if (op.op === "moveLine") lines.get(op.lineId)!.position = op.position;
    }
  }
  return { fields, lines: [...lines.values()].sort((a, b) => (a.position < b.position ? -1 : 1)) };
}

export const comparable = (lines: any[]) =>
  lines.map((l) => ({ id: l.id, position: l.position, priceId: l.priceId, quantity: l.quantity, discount: l.discount ?? null, description: l.description ?? null }));
