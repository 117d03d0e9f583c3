import type { Actor, EntityEvent } from "../../party/protocol.ts";

interface EventRow {
  seq: number;
  kind: string;
  subject_type: string;
  subject_id: string;
  actor: string;
  data: string;
  at: string;
}

function eventFromRow(row: EventRow): EntityEvent {
  return {
    seq: row.seq,
    kind: row.kind,
    subject: { type: row.subject_type, id: row.subject_id },
    actor: JSON.parse(row.actor) as Actor,
    at: row.at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/** Events after `afterSeq`, in seq order. */
export async function readEvents(db: D1Database, afterSeq: number, limit: number): Promise<EntityEvent[]> {
  const { results } = await db
    .prepare("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
    .bind(afterSeq, limit)
    .all<EventRow>();
  return results.map(eventFromRow);
}

export async function latestSeq(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM events").first<{ seq: number }>();
  return row?.seq ?? 0;
}
