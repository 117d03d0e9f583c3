import { gt, sql } from "drizzle-orm";
import type { EntityEvent } from "../../party/protocol.ts";
import { orm } from "./orm.ts";
import { events } from "./schema/entity.ts";

/** An event row as the wire shows it: the subject columns nest as `subject`. */
const eventFields = {
  seq: events.seq,
  kind: events.kind,
  subject: { type: events.subjectType, id: events.subjectId },
  actor: events.actor,
  at: events.at,
  data: events.data,
};

/** Events after `afterSeq`, in seq order. */
export async function readEvents(db: D1Database, afterSeq: number, limit: number): Promise<EntityEvent[]> {
  return orm(db).select(eventFields).from(events).where(gt(events.seq, afterSeq)).orderBy(events.seq).limit(limit);
}

export async function latestSeq(db: D1Database): Promise<number> {
  const row = await orm(db).select({ seq: sql<number>`COALESCE(MAX(${events.seq}), 0)` }).from(events).get();
  return row?.seq ?? 0;
}
