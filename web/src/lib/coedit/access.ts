// Who is offered quote editing (DESIGN.md §2): admin and sales. finance, approver and viewer read
// only; the room refuses their ops with `forbidden` anyway (worker/domain/access.ts decides).
import type { Entity, Role } from "../types.ts";

const QUOTES_WRITE: Role[] = ["admin", "sales"];

export function canWriteQuotes(entity: Pick<Entity, "roles"> | null | undefined): boolean {
  if (!entity?.roles) return true; // older server without roles: offer it, the server decides
  return entity.roles.some((r) => QUOTES_WRITE.includes(r));
}
