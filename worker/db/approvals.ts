// The entity's approval workflow: one row per version, the newest applies.
import { desc } from "drizzle-orm";
import type { ChangeSet } from "./changes.ts";
import { orm } from "./orm.ts";
import { approvalWorkflows } from "./schema/entity.ts";
import { DEFAULT_WORKFLOW, type ApprovalWorkflow } from "../domain/approval.ts";

export interface StoredWorkflow extends ApprovalWorkflow {
  /** 0 until an admin writes one: the default, nothing needs approval. */
  version: number;
  updatedAt: string | null;
}

export async function currentWorkflow(db: D1Database): Promise<StoredWorkflow> {
  const row = await orm(db).select().from(approvalWorkflows).orderBy(desc(approvalWorkflows.version)).limit(1).get();
  return row ? { ...row.document, version: row.version, updatedAt: row.updatedAt } : { ...DEFAULT_WORKFLOW, version: 0, updatedAt: null };
}

/**
 * A new version after `before` (its primary key is the version, so two writers racing from the same
 * version cannot both commit: the loser's batch fails on the key, a conflict).
 */
export function insertWorkflowVersion(changes: ChangeSet, before: StoredWorkflow, document: ApprovalWorkflow): StoredWorkflow {
  const after: StoredWorkflow = { ...document, version: before.version + 1, updatedAt: changes.at };
  changes.guard(
    changes.orm.insert(approvalWorkflows).values({ version: after.version, document, updatedAt: changes.at, updatedBy: changes.actor }).onConflictDoNothing(),
    "rev_conflict",
    `The approval workflow changed since version ${before.version}; reload and try again`,
  );
  changes.record({ kind: "approval_workflow.updated", subject: { type: "approval_workflow", id: "approval_workflow" }, data: { workflow: after }, before: { version: before.version }, after });
  return after;
}
