// Addresses in each country's order (worker/domain/address.ts over @fragaria/address-formatter).
import { describe, expect, it } from "vitest";
import { addressLines } from "../../worker/domain/address.ts";

describe("addressLines", () => {
  it("writes a US address city, state ZIP", () => {
    expect(addressLines({ line1: "1301 2nd Ave", line2: "Suite 400", city: "Seattle", region: "WA", postalCode: "98101", country: "US" })).toEqual([
      "1301 2nd Ave",
      "Suite 400",
      "Seattle, WA 98101",
      "United States",
    ]);
  });

  it("writes a GB address with the town and the postcode on their own lines", () => {
    expect(addressLines({ line1: "10 Downing Street", city: "London", postalCode: "SW1A 2AA", country: "GB" })).toEqual([
      "10 Downing Street",
      "London",
      "SW1A 2AA",
      "United Kingdom",
    ]);
  });

  it("writes a DE address postcode first, without the Land", () => {
    expect(addressLines({ line1: "Unter den Linden 5", line2: null, city: "Berlin", region: "Berlin", postalCode: "10117", country: "DE" })).toEqual([
      "Unter den Linden 5",
      "10117 Berlin",
      "Germany",
    ]);
  });

  it("takes the caller's country names, or none", () => {
    const address = { line1: "Unter den Linden 5", city: "Berlin", postalCode: "10117", country: "DE" };
    expect(addressLines(address, { countryName: (code) => (code === "DE" ? "Deutschland" : undefined) }).at(-1)).toBe("Deutschland");
    expect(addressLines(address, { includeCountry: false })).toEqual(["Unter den Linden 5", "10117 Berlin"]);
  });

  it("keeps every part of an address of a country without a template", () => {
    const lines = addressLines({ line1: "1 Main Road", city: "Townsville", postalCode: "4810", country: "ZZ" });
    expect(lines.join(" | ")).toContain("1 Main Road");
    expect(lines.join(" | ")).toContain("Townsville");
    expect(lines.join(" | ")).toContain("4810");
  });
});
