// The sign-in page's `next`: only paths of this origin (issue 10: "/%09/host" got through).
import { describe, expect, it } from "vitest";
import { safeNext } from "../../web/src/lib/next.ts";

describe("safeNext", () => {
  it.each([
    ["/acme-us/quotes", "/acme-us/quotes"],
    ["/acme-us/quotes?status=DRAFT#top", "/acme-us/quotes?status=DRAFT#top"],
    ["/q/ent_acme_us.demo-us-2", "/q/ent_acme_us.demo-us-2"],
  ])("keeps %s", (input, expected) => expect(safeNext(input)).toBe(expected));

  it.each([
    ["//evil.test"],
    ["/\\evil.test"],
    ["/\t/evil.test"], // "/%09/host" once decoded
    ["/\n/evil.test"],
    ["/\r\n/evil.test"],
    ["https://evil.test/"],
    ["javascript:alert(1)"],
    ["evil.test"],
    ["/sign-in?next=/x"],
    [""],
    [null],
  ])("refuses %j", (input) => expect(safeNext(input)).toBeNull());
});
