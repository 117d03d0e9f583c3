// The audit log of one subject (API.md "audit"): who changed what, newest first. Each entity's rows
// live in its own database, so another entity's subject is simply not there.
import { listAudit, type AuditEntry } from "../db/audit.ts";
import type { Page } from "../db/paging.ts";
import type { ActionContext } from "./context.ts";

export function list(ctx: ActionContext, query: { subjectId: string; limit: number; after?: string }): Promise<Page<AuditEntry>> {
  return listAudit(ctx.db, query);
}
