// The wire protocol of /parties/entity-room/<entityId>, shared by EntityRoom and the web client.
// Every message is a discriminated union on `type` (API.md "Live updates").
import { z } from "zod";

export const actorSchema = z.object({
  type: z.enum(["user", "api_key", "system"]),
  id: z.string(),
  name: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const subjectSchema = z.object({ type: z.string(), id: z.string() });
export type Subject = z.infer<typeof subjectSchema>;

/** One committed change of an entity; `seq` is the entity's clock. */
export interface EntityEvent {
  seq: number;
  kind: string;
  subject: Subject;
  actor: Actor;
  at: string;
  data: Record<string, unknown>;
}

// ---- quote co-editing ops (API.md "Co-editing a DRAFT quote") ----
const discount = z
  .strictObject({ type: z.enum(["PERCENTAGE", "NOMINAL"]), value: z.string() })
  .nullable();
const lineId = z.string().min(1).max(64);

export const quoteOpSchema = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("set"),
    field: z.enum(["title", "currency", "dealType", "expiryDays", "notes", "startDate", "contractLengthMonths"]),
    value: z.unknown(),
  }),
  z.strictObject({
    op: z.literal("insertLine"),
    afterId: lineId.nullable(),
    line: z.strictObject({
      id: lineId,
      priceId: z.string().min(1),
      quantity: z.string(),
      discount: discount.optional(),
      description: z.string().max(2000).nullable().optional(),
    }),
  }),
  z.strictObject({
    op: z.literal("updateLine"),
    lineId,
    field: z.enum(["quantity", "priceId", "discount", "description"]),
    value: z.unknown(),
  }),
  z.strictObject({ op: z.literal("removeLine"), lineId }),
  z.strictObject({ op: z.literal("moveLine"), lineId, afterId: lineId.nullable() }),
]);
export type QuoteOp = z.infer<typeof quoteOpSchema>;

export const MAX_OPS_PER_BATCH = 200;

// ---- client -> server ----
export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), lastSeq: z.number().int().min(0) }),
  z.object({
    type: z.literal("op"),
    clientOpId: z.string().min(1).max(128),
    quoteId: z.string().min(1).max(64),
    baseRev: z.number().int().min(0),
    ops: z.array(quoteOpSchema).min(1).max(MAX_OPS_PER_BATCH),
  }),
  z.object({
    type: z.literal("presence"),
    quoteId: z.string().min(1).max(64).nullable(),
    field: z.string().max(128).nullable(),
  }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// ---- server -> client ----
export interface PresenceUser {
  userId: string;
  name: string;
  field: string | null;
}

export type ServerMessage =
  | ({ type: "event" } & EntityEvent)
  /** Sent after a hello's replay: everything up to `seq` has been delivered. */
  | { type: "synced"; seq: number }
  /** The gap since the client's lastSeq is too large to replay: refetch state, then hello again. */
  | { type: "resync"; seq: number }
  | { type: "ack"; clientOpId: string; rev: number; seq: number }
  | { type: "reject"; clientOpId: string; error: { code: string; message: string } }
  | { type: "presence"; quoteId: string; users: PresenceUser[] }
  | { type: "error"; error: { code: string; message: string } }
  | { type: "pong" };

/** How many missed events a hello replays before it answers `resync` instead. */
export const MAX_REPLAY = 500;
