// Which actions a member is offered: the Worker's own table (worker/domain/access.ts), so the UI
// cannot drift from what the API enforces; this only hides what would be refused.
import { can, type Permission } from "$worker/domain/access.ts";
import type { Entity } from "$worker/api/types.ts";

export function allows(entity: Pick<Entity, "roles"> | null | undefined, permission: Permission): boolean {
  return !!entity && can(entity.roles, permission);
}
