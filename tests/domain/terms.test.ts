// What an approval covers: the terms fingerprint, the approval after an edit, and the task rules
// (who a step goes to, what a decision does to its step, what changed since the last approval).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approvalAfterEdit, termsApproved, termsFingerprint, type Terms } from "../../worker/domain/terms.ts";
import { decideStep, resolveApprovers, termsChanges, type Member, type TermsSnapshot } from "../../worker/domain/tasks.ts";

const terms = (over: Partial<Terms> = {}): Terms => ({
  currency: "USD",
  dealType: "NEW_BUSINESS",
  startDate: null,
  contractLengthMonths: 12,
  lines: [
    { priceId: "price_a", quantity: "10", discount: { type: "PERCENTAGE", value: "25" } },
    { priceId: "price_b", quantity: "1", discount: null },
  ],
  ...over,
});
const fp = (over: Partial<Terms> = {}) => termsFingerprint(terms(over));

describe("termsFingerprint", () => {
  it("is the same for the same terms however they are spelled or ordered", () => {
    const base = fp();
    expect(fp({ lines: [...terms().lines].reverse() })).toBe(base);
    expect(fp({ lines: [{ priceId: "price_a", quantity: "10.000", discount: { type: "PERCENTAGE", value: "25.0" } }, { priceId: "price_b", quantity: "1", discount: null }] })).toBe(base);
    // Ids, positions and descriptions are not terms.
    expect(termsFingerprint({ ...terms(), lines: terms().lines.map((l, i) => ({ ...l, id: `x${i}`, position: "m", description: "words" })) })).toBe(base);
    // Nor are title, notes and expiry (not part of Terms at all).
    expect(termsFingerprint({ ...terms(), title: "Other", notes: "n", expiryDays: 3 } as Terms)).toBe(base);
  });

  it.each<[string, Partial<Terms>]>([
    ["currency", { currency: "EUR" }],
    ["deal type", { dealType: "RENEWAL" }],
    ["start date", { startDate: "2027-01-01" }],
    ["contract length", { contractLengthMonths: 24 }],
    ["a quantity", { lines: [{ priceId: "price_a", quantity: "11", discount: { type: "PERCENTAGE", value: "25" } }, terms().lines[1]] }],
    ["a price", { lines: [{ priceId: "price_c", quantity: "10", discount: { type: "PERCENTAGE", value: "25" } }, terms().lines[1]] }],
    ["a discount's value", { lines: [{ priceId: "price_a", quantity: "10", discount: { type: "PERCENTAGE", value: "25.01" } }, terms().lines[1]] }],
    ["a discount's type", { lines: [{ priceId: "price_a", quantity: "10", discount: { type: "NOMINAL", value: "25" } }, terms().lines[1]] }],
    ["a discount removed", { lines: [{ priceId: "price_a", quantity: "10", discount: null }, terms().lines[1]] }],
    ["a line removed", { lines: [terms().lines[0]] }],
    ["a line added twice", { lines: [...terms().lines, terms().lines[1]] }],
  ])("changes with %s", (_, over) => expect(fp(over)).not.toBe(fp()));

  it("property: invariant under any permutation of the lines, and sensitive to any one quantity", () => {
    const line = fc.record({
      priceId: fc.constantFrom("price_a", "price_b", "price_c"),
      quantity: fc.integer({ min: 0, max: 10_000 }).map(String),
      discount: fc.option(fc.record({ type: fc.constantFrom("PERCENTAGE" as const, "NOMINAL" as const), value: fc.integer({ min: 0, max: 100 }).map(String) }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 1, max: 5 }), (lines, seed, bump) => {
        const shuffled = [...lines].sort((a, b) => ((a.quantity.length * 31 + seed) % 7) - ((b.quantity.length * 31 + seed) % 7));
        expect(termsFingerprint(terms({ lines: shuffled }))).toBe(termsFingerprint(terms({ lines })));
        const i = seed % lines.length;
        const changed = lines.map((l, n) => (n === i ? { ...l, quantity: String(Number(l.quantity) + bump) } : l));
        expect(termsFingerprint(terms({ lines: changed }))).not.toBe(termsFingerprint(terms({ lines })));
      }),
    );
  });
});

describe("approvalAfterEdit", () => {
  const approved = { ...terms(), approvalStatus: "APPROVED" as const, approvedTerms: fp() };
  it("keeps the approval when no term changed", () => expect(approvalAfterEdit(approved, terms())).toBe("APPROVED"));
  it("needs approval again when a term changed", () => expect(approvalAfterEdit(approved, terms({ contractLengthMonths: 36 }))).toBe("NOT_REQUIRED"));
  it("is APPROVED again when the terms are back to the approved ones", () => {
    const edited = { ...terms({ contractLengthMonths: 36 }), approvalStatus: "NOT_REQUIRED" as const, approvedTerms: fp() };
    expect(approvalAfterEdit(edited, terms())).toBe("APPROVED");
    expect(termsApproved({ ...terms(), approvalStatus: "APPROVED", approvedTerms: fp() })).toBe(true);
    expect(termsApproved(edited)).toBe(false);
  });
  it("a REJECTED quote stays REJECTED until a term changes", () => {
    const rejected = { ...terms(), approvalStatus: "REJECTED" as const, approvedTerms: null };
    expect(approvalAfterEdit(rejected, terms())).toBe("REJECTED");
    expect(approvalAfterEdit(rejected, terms({ dealType: "RENEWAL" }))).toBe("NOT_REQUIRED");
  });
});

describe("tasks", () => {
  const members: Member[] = [
    { userId: "u2", name: "Bea", email: "b@x", roles: ["approver", "sales"] },
    { userId: "u1", name: "Al", email: "a@x", roles: ["approver"] },
    { userId: "u3", name: "Cy", email: "c@x", roles: ["finance"] },
  ];
  it("a step goes to every member with one of its roles and to its users, each once, in name order", () => {
    expect(resolveApprovers({ approvers: { roles: ["approver", "sales"], userIds: ["u3", "u1", "nobody"] }, mode: "ANY" }, members)).toEqual([
      { userId: "u1", name: "Al" },
      { userId: "u2", name: "Bea" },
      { userId: "u3", name: "Cy" },
    ]);
    expect(resolveApprovers({ approvers: { roles: ["viewer"], userIds: ["nobody"] }, mode: "ANY" }, members)).toEqual([]);
  });

  const open = (...ids: string[]) => ids.map((id) => ({ id, status: "OPEN" as const }));
  it.each([
    ["ANY approve", "ANY", open("a", "b", "c"), "APPROVED", { completes: true, superseded: ["b", "c"] }],
    ["ANY reject", "ANY", open("a", "b"), "REJECTED", { completes: true, superseded: ["b"] }],
    ["ALL approve, others open", "ALL", open("a", "b"), "APPROVED", { completes: false, superseded: [] }],
    ["ALL approve, the last", "ALL", [{ id: "a", status: "OPEN" as const }, { id: "b", status: "APPROVED" as const }], "APPROVED", { completes: true, superseded: [] }],
    ["ALL reject", "ALL", [...open("a", "c"), { id: "b", status: "APPROVED" as const }], "REJECTED", { completes: true, superseded: ["c"] }],
  ] as const)("%s", (_, mode, tasks, verdict, outcome) => expect(decideStep(mode, tasks, "a", verdict)).toEqual(outcome));

  it("what changed since the last approval, term by term and line by line", () => {
    const snap = (over: Partial<TermsSnapshot>): TermsSnapshot => ({
      rev: 1,
      lines: [
        { id: "l1", label: "Platform", quantity: "1", unitPrice: "10.00", amount: "10.00", discount: null },
        { id: "l2", label: "Seats", quantity: "5", unitPrice: "2.00", amount: "10.00", discount: null },
      ],
      totals: { totalContractValue: "240.00" } as TermsSnapshot["totals"],
      startDate: null,
      contractLengthMonths: 12,
      currency: "USD",
      dealType: "NEW_BUSINESS",
      ...over,
    });
    const before = snap({});
    const after = snap({
      contractLengthMonths: 24,
      lines: [
        { id: "l1", label: "Platform", quantity: "2", unitPrice: "10.00", amount: "20.00", discount: null },
        { id: "l3", label: "Onboarding", quantity: "1", unitPrice: "50.00", amount: "50.00", discount: null },
      ],
      totals: { totalContractValue: "530.00" } as TermsSnapshot["totals"],
    });
    expect(termsChanges(before, after)).toEqual([
      { kind: "term", label: "Contract length (months)", before: "12", after: "24" },
      { kind: "lineChanged", label: "Platform", before: "1 × Platform = 10.00", after: "2 × Platform = 20.00" },
      { kind: "lineAdded", label: "Onboarding", before: null, after: "1 × Onboarding = 50.00" },
      { kind: "lineRemoved", label: "Seats", before: "5 × Seats = 10.00", after: null },
      { kind: "term", label: "Total contract value", before: "240.00", after: "530.00" },
    ]);
    expect(termsChanges(before, before)).toEqual([]);
  });
});
