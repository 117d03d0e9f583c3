// Text encoding for the standard PDF fonts: every string a document draws goes through toWinAnsi
// first, because Helvetica (not embedded) only has WinAnsi glyphs and pdf-lib throws on anything else.
// Pure, no I/O. (A negative amount's minus sign is not text: layout.ts draws U+2212 in the Symbol font.)

/** The code points Helvetica's WinAnsi encoding can draw (pdf-lib's list; a test keeps them equal). */
export const WIN_ANSI_CODE_POINTS: ReadonlySet<number> = (() => {
  const points = new Set<number>();
  for (let cp = 0x20; cp <= 0x7e; cp++) points.add(cp);
  for (let cp = 0xa0; cp <= 0xff; cp++) points.add(cp);
  for (const cp of [
    0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c,
    0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
  ]) {
    points.add(cp);
  }
  return points;
})();

// Close ASCII forms for characters that neither WinAnsi nor a compatibility decomposition covers.
const REPLACEMENTS: Readonly<Record<string, string>> = {
  ł: "l", Ł: "L", đ: "d", Đ: "D", ħ: "h", Ħ: "H", ı: "i", ĸ: "k", ŀ: "l", Ŀ: "L", ŋ: "n", Ŋ: "N", ŧ: "t", Ŧ: "T",
  ſ: "s", ẞ: "SS", ə: "e", Ə: "E", ɛ: "e", ʼ: "'", ʻ: "'", ˈ: "'", ʹ: "'", ʺ: '"',
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-", "\u2043": "-",
  "\u2032": "'", "\u2033": '"', "\u201b": "'", "\u201f": '"', "\u2044": "/", "\u2215": "/",
  "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~", "→": "->", "←": "<-", "↔": "<->", "⇒": "=>", "✓": "v", "✔": "v", "✗": "x", "✘": "x",
  "№": "No.", "₹": "INR", "₽": "RUB", "₺": "TRY", "₩": "KRW", "₪": "ILS", "₫": "VND", "₴": "UAH", "₱": "PHP",
  "₦": "NGN", "฿": "THB", "₿": "BTC", "₸": "KZT", "₼": "AZN", "₾": "GEL", "₡": "CRC", "₲": "PYG", "₵": "GHS",
};

// Cyrillic business names ("ООО Ромашка") read better transliterated than as question marks.
const CYRILLIC: Readonly<Record<string, string>> = (() => {
  const pairs =
    "а a б b в v г g д d е e ё e ж zh з z и i й y к k л l м m н n о o п p р r с s т t у u ф f х kh ц ts ч ch ш sh щ shch ъ _ ы y ь _ э e ю yu я ya і i ї yi є ye ґ g";
  const table: Record<string, string> = {};
  const words = pairs.split(" ");
  for (let i = 0; i < words.length; i += 2) {
    const latin = words[i + 1] === "_" ? "" : words[i + 1];
    table[words[i]] = latin;
    table[words[i].toUpperCase()] = latin.charAt(0).toUpperCase() + latin.slice(1);
  }
  return table;
})();

/** True for characters that are dropped: controls, format characters (zero-width joiners, BOM, tags), marks, emoji modifiers. */
function isInvisible(char: string, cp: number): boolean {
  return /^[\p{Cc}\p{Cf}\p{M}]$/u.test(char) || (cp >= 0x1f3fb && cp <= 0x1f3ff);
}

/**
 * `text` in characters the standard PDF fonts can draw (WinAnsi), on one line:
 * - WinAnsi characters stay (é, ü, ß, €, £, ¥, –, “ ” …); the soft hyphen is dropped;
 * - tabs, line breaks and other spaces become a space; controls, zero-width and format characters,
 *   combining marks, variation selectors and emoji skin-tone modifiers are dropped;
 * - known letters and symbols get a close form (ł -> l, Đ -> D, − -> -, ≤ -> <=, ₹ -> INR), Cyrillic is
 *   transliterated (Ромашка -> Romashka), others lose their accents by compatibility decomposition
 *   (ő -> o, ș -> s, ﬁ -> fi, full-width Ａ -> A);
 * - anything else (CJK, Greek, Arabic, emoji, lone surrogates) becomes "?", one per character.
 */
export function toWinAnsi(text: string): string {
  let out = "";
  for (const char of text.normalize("NFC")) {
    const cp = char.codePointAt(0) ?? 0x3f;
    if (WIN_ANSI_CODE_POINTS.has(cp)) {
      if (cp !== 0xad) out += char;
      continue;
    }
    if (cp === 0x09 || cp === 0x0a || cp === 0x0d || /^[\p{Zs}\p{Zl}\p{Zp}]$/u.test(char)) {
      out += " ";
      continue;
    }
    if (isInvisible(char, cp)) continue;
    const replacement = REPLACEMENTS[char] ?? CYRILLIC[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const decomposed = char.normalize("NFKD").replace(/\p{M}/gu, "");
    if (decomposed !== "" && decomposed !== char && [...decomposed].every((c) => WIN_ANSI_CODE_POINTS.has(c.codePointAt(0) ?? 0))) {
      out += decomposed;
      continue;
    }
    out += "?";
  }
  return out;
}

/** Paragraphs of `text` (split at line breaks), each made drawable by toWinAnsi. */
export function paragraphs(text: string): string[] {
  return text.split(/\r\n|[\r\n\u2028\u2029]/).map(toWinAnsi);
}

/** `text` with unpaired surrogates replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
