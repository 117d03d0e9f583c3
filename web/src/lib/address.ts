// Addresses in their country's order (worker/domain/address.ts, the same function the PDFs use).
// A module of its own: the formatter's templates are ~230 KB, loaded only by pages that show one.
import { addressLines, type PostalAddress } from "$worker/domain/address.ts";
import { countryName } from "./format.ts";

export type { PostalAddress };

/** "548 Market St", "San Francisco, CA 94104", "United States". */
export function formatAddress(address: PostalAddress | null | undefined): string[] {
  if (!address) return [];
  return addressLines(address, { countryName });
}
