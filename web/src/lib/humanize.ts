// The API's validation messages (zod's and the domain's words, API.md's error `details[].message`) in a
// form's words: the catalog's editors, the draft-invoice editor and the credit-note form show them at
// their fields, where "must be a plain decimal string …" means nothing to a finance user.
/** The API's zod/engine messages ("must be a plain decimal string …") in a form's words. */
export function humanize(message: string, value?: string): string {
  const m = message.trim();
  if (/^must be a (plain )?decimal string/i.test(m)) {
    return value === undefined || value.trim() === "" ? "Required" : "Enter a number such as 12.50";
  }
  if (/^Too small: expected string to have >=1 characters?$/i.test(m)) return "Required";
  if (/^Invalid input: expected \w+, received undefined$/i.test(m)) return "Required";
  if (/^Invalid input: expected number, received string$/i.test(m)) return "Enter a whole number";
  const tooLong = m.match(/^Too big: expected string to have <=(\d+) characters?$/i);
  if (tooLong) return `At most ${tooLong[1]} characters`;
  const prev = m.match(/^must be greater than the previous tier's upperBound \((.*)\)$/);
  if (prev) return `Must be more than ${prev[1]}, the bound above`;
  if (m === "must be greater than 0") return "Must be greater than 0";
  if (m === "must not be negative") return "Can't be negative";
  if (m === "must have at most 0 decimal places") return "Must be a whole number";
  if (/^must have at most (\d+) decimal places$/.test(m)) return `M${m.slice(1)}`;
  if (m === "a percentage price must be at most 100") return "A percentage can be at most 100";
  if (m === "must not be less than minPrice") return "Must not be less than the minimum";
  if (m === "seats are counted in whole numbers" || m === "must be a whole number of seats") return "Seats are whole numbers";
  return m.charAt(0).toUpperCase() + m.slice(1);
}
