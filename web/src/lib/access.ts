// What the UI offers per role. The Worker enforces permissions (worker/domain/access.ts); this only
// hides actions a member cannot take. Keep in step with GRANTS there.
import type { Entity, Role } from "./types.ts";

const CUSTOMERS_WRITE: Role[] = ["admin", "finance", "sales"];

export function canWriteCustomers(entity: Pick<Entity, "roles"> | null | undefined): boolean {
  // No roles in the answer (older server): offer the action and let the server decide.
  if (!entity?.roles) return true;
  return entity.roles.some((r) => CUSTOMERS_WRITE.includes(r));
}
