// The shapes of approvals in the API: a task, a quote's approval summary (on the quote), a member.
import { z } from "@hono/zod-openapi";
import { APPROVAL_MODES } from "../domain/approval.ts";
import { ROLES } from "../domain/access.ts";
import { TASK_STATUSES } from "../domain/tasks.ts";

const person = z.object({ userId: z.string(), name: z.string() });

export const approvalSummarySchema = z
  .object({
    rev: z.number().int().openapi({ description: "The revision submitted" }),
    status: z.enum(["PENDING", "APPROVED", "REJECTED"]),
    ruleName: z.string(),
    stepIndex: z.number().int(),
    stepCount: z.number().int(),
    submittedBy: z.string(),
    submittedByName: z.string(),
    submittedAt: z.string(),
    decidedAt: z.string().nullable(),
    comment: z.string().nullable().openapi({ description: "The reject comment" }),
    pendingApprovers: z.array(person).openapi({ description: "Who may still decide the open step (while PENDING)" }),
  })
  .openapi("QuoteApproval");

export const taskSchema = z
  .object({
    id: z.string(),
    object: z.literal("task"),
    status: z.enum(TASK_STATUSES),
    quoteId: z.string(),
    quoteNumber: z.string(),
    quoteRev: z.number().int(),
    stepIndex: z.number().int(),
    stepCount: z.number().int(),
    mode: z.enum(APPROVAL_MODES),
    assigneeUserId: z.string(),
    assigneeName: z.string(),
    requestedBy: z.string(),
    requestedByName: z.string(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    comment: z.string().nullable(),
    quote: z.object({ title: z.string(), customerName: z.string(), currency: z.string(), total: z.string(), totalContractValue: z.string(), maxDiscountPercent: z.string() }),
    rule: z.object({ name: z.string() }),
  })
  .openapi("Task");

const discount = z.object({ type: z.enum(["PERCENTAGE", "NOMINAL"]), value: z.string() }).nullable();
export const termsSnapshotSchema = z
  .object({
    rev: z.number().int(),
    lines: z.array(z.object({ id: z.string(), label: z.string(), quantity: z.string(), unitPrice: z.string().nullable(), amount: z.string(), discount })),
    totals: z.record(z.string(), z.unknown()),
    startDate: z.string().nullable(),
    contractLengthMonths: z.number().int(),
    currency: z.string(),
    dealType: z.string(),
  })
  .openapi("ApprovedTerms");

export const termsChangeSchema = z.object({
  kind: z.enum(["term", "lineAdded", "lineRemoved", "lineChanged"]),
  label: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});

export const historyEntrySchema = z.object({
  at: z.string(),
  userId: z.string(),
  name: z.string(),
  action: z.enum(["SUBMITTED", "APPROVED", "REJECTED", "WITHDRAWN", "SUPERSEDED", "CANCELLED"]),
  comment: z.string().nullable(),
});

export const memberSchema = z.object({ userId: z.string(), name: z.string(), email: z.string(), roles: z.array(z.enum(ROLES)) }).openapi("Member");
