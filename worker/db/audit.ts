// The entity's audit log (every ChangeSet writes one row per change): reads by subject.
import { desc, eq } from "drizzle-orm";
import { allOf, orm } from "./orm.ts";
import { page, type Page } from "./paging.ts";
import { auditLog } from "./schema/entity.ts";

export type AuditEntry = Omit<typeof auditLog.$inferSelect, "requestId">;

/** One subject's rows, newest first (ids sort by time), cursor-paginated. */
export function listAudit(db: D1Database, o: { subjectId: string; limit: number; after?: string }): Promise<Page<AuditEntry>> {
  const d = orm(db);
  return page(auditLog.id, o, (cursor, take) =>
    d
      .select({
        id: auditLog.id,
        at: auditLog.at,
        actor: auditLog.actor,
        action: auditLog.action,
        subjectType: auditLog.subjectType,
        subjectId: auditLog.subjectId,
        before: auditLog.before,
        after: auditLog.after,
      })
      .from(auditLog)
      .where(allOf(cursor, eq(auditLog.subjectId, o.subjectId)))
      .orderBy(desc(auditLog.id))
      .limit(take),
  );
}
