// Roles per membership (DESIGN.md §2, after Sequence) and what each may do. Pure.
export const ROLES = ["admin", "finance", "sales", "approver", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | "read"
  | "customers:write"
  | "catalog:write"
  | "quotes:write"
  | "quotes:execute"
  | "approvals:act"
  | "approvals:configure"
  | "billing:write"
  | "invoices:write"
  | "tax:write"
  | "integrations:manage"
  | "integrations:connect"
  | "api_keys:manage";

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    "read", "customers:write", "catalog:write", "quotes:write", "quotes:execute", "approvals:act", "approvals:configure",
    "billing:write", "invoices:write", "tax:write", "integrations:manage", "integrations:connect", "api_keys:manage",
  ],
  // Finance owns billing and money; reads quotes and executes accepted ones.
  finance: ["read", "customers:write", "catalog:write", "quotes:execute", "billing:write", "invoices:write", "tax:write", "integrations:manage"],
  // Sales owns customers and quotes; everything else read-only.
  sales: ["read", "customers:write", "quotes:write"],
  approver: ["read", "approvals:act"],
  viewer: ["read"],
};

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS[role]?.includes(permission));
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * Who may decide an approval task: its assignee, unless read-only (a viewer); or an admin, any task.
 * Never the submitter of the quote (checked apart: `self_approval`, even for an admin).
 */
export function canDecide(roles: readonly Role[], isAssignee: boolean): boolean {
  if (roles.includes("admin")) return true;
  return isAssignee && roles.some((role) => role !== "viewer");
}
