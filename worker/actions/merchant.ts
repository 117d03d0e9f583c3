// The entity as a seller (API.md "tax": GET/PUT /merchant).
import { getMerchant, putMerchant, type Merchant } from "../db/merchant.ts";
import { assertRev, changeSetOf, commit, type ActionContext } from "./context.ts";

export const get = (ctx: ActionContext): Promise<Merchant> => getMerchant(ctx.db, ctx.entity);

/** Replace the whole document, guarded on the revision read (or the one the caller names). */
export async function replace(ctx: ActionContext, input: Omit<Merchant, "rev" | "updatedAt">, expectedRev?: number): Promise<Merchant> {
  const before = await getMerchant(ctx.db, ctx.entity);
  assertRev(before, expectedRev, "Merchant");
  const changes = changeSetOf(ctx);
  return commit(ctx, changes, putMerchant(changes, before, input));
}
