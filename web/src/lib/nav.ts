// Sections of an entity workspace. Adding a section is one line here (plus its route folder).
import type { IconName } from "./icons.ts";

export interface NavItem {
  /** Path segment under /<entitySlug>/ */
  segment: string;
  label: string;
  icon: IconName;
  /** Other sections this entry stands for (its sub-tabs): the entry is current on them too. */
  also?: string[];
}

export const NAV: NavItem[] = [
  { segment: "customers", label: "Customers", icon: "users" },
  { segment: "products", label: "Products", icon: "box" },
  { segment: "quotes", label: "Quotes", icon: "file" },
  // Approval tasks assigned to me; the layout adds the live count (#lib/approvals/inbox.svelte.ts).
  { segment: "inbox", label: "Inbox", icon: "inbox" },
  // Billing schedules, with billing runs as its second tab (#lib/billing/BillingTabs.svelte).
  { segment: "schedules", label: "Billing", icon: "calendar", also: ["billing-runs"] },
  { segment: "invoices", label: "Invoices", icon: "receipt" },
  { segment: "settings", label: "Settings", icon: "sliders" },
];

export const DEFAULT_SECTION = NAV[0].segment;
