// Ids sort by creation time (db/paging.ts cursors rely on it), also within one millisecond.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newId } from "../../worker/lib/crypto.ts";

describe("newId", () => {
  it("ids made in the same millisecond sort in the order they were made", () => {
    const at = Date.UTC(2026, 11, 3, 19, 30);
    const ids = Array.from({ length: 500 }, () => newId("inv", at));
    expect(ids.toSorted()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a later millisecond sorts after, whatever the random part; every id has the same shape", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 50 }), (t, gap, burst) => {
        const first = Array.from({ length: burst }, () => newId("cus", t));
        const next = newId("cus", t + gap);
        return first.every((id) => id < next && /^cus_[0-9a-hjkmnp-tv-z]{22}$/.test(id)) && /^cus_[0-9a-hjkmnp-tv-z]{22}$/.test(next);
      }),
    );
  });
});
