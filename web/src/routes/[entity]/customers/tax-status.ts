// How a customer's tax status reads in the customer pages (the values are the API's).
import type { TaxStatus } from "$worker/api/types.ts";

export const TAX_STATUS_LABEL: Record<TaxStatus, string> = {
  TAXED: "Taxed",
  TAX_EXEMPT: "Tax exempt",
  REVERSE_CHARGED: "Reverse charge",
};

/** The form's choices, in this order. */
export const TAX_STATUSES = (Object.keys(TAX_STATUS_LABEL) as TaxStatus[]).map((value) => ({ value, label: TAX_STATUS_LABEL[value] }));
