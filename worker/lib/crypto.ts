// Ids, tokens and hashing through WebCrypto (workerd and Node 24 alike).
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

function base32(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/**
 * Time-sortable ids (`cus_` + 10 chars of ms time + 12 random), so `ORDER BY id` is creation order
 * and cursors are plain ids. Within one millisecond (workerd's clock stands still while code runs, so
 * a batch's ids share it) each id is the previous one plus one in its random part, as ULID's monotonic
 * mode does: a billing run's catch-up months, made in one batch, list in the order they were made.
 */
export function newId(prefix: string, now = Date.now()): string {
  let tail: string;
  if (now === lastTime && lastTail !== null && lastTail !== LAST_TAIL) {
    tail = incremented(lastTail);
  } else {
    tail = base32(randomBytes(12));
    lastTime = now;
  }
  lastTail = tail;
  return `${prefix}_${timePart(now)}${tail}`;
}

/** An id in the same scheme with a tail of the caller's (the demo seed's readable, fixed ids). */
export function idAt(prefix: string, at: number, tail: string): string {
  return `${prefix}_${timePart(at)}${tail}`;
}

/** Ten base-32 characters of ms time: ids sort by it. */
function timePart(at: number): string {
  let time = "";
  let t = at;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

let lastTime = -1;
let lastTail: string | null = null;
/** The largest tail: one more would need a thirteenth digit, so the next id draws afresh. */
const LAST_TAIL = "z".repeat(12);

/** A base-32 string plus one (the caller keeps it below LAST_TAIL). */
function incremented(tail: string): string {
  const digits = [...tail].map((c) => ALPHABET.indexOf(c));
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      break;
    }
    digits[i] = 0;
  }
  return digits.map((d) => ALPHABET[d]).join("");
}

// Ids draw their random bytes from a pool filled 4 KiB at a time: a billing run makes three ids per
// invoice, and a WebCrypto call per id was a measurable share of a chunk's CPU. Filled on first use
// (workerd allows no random values at module scope). Each byte is used once.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let used = 0;
function randomBytes(n: number): Uint8Array {
  if (used + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  used += n;
  return pool.subarray(used - n, used);
}

export function randomToken(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  let s = "";
  for (const b of raw) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// PBKDF2-SHA256: 100,000 iterations is the most workerd's WebCrypto accepts.
const PBKDF2_ITERATIONS = 100_000;

function toB64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
function fromB64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toB64(salt)}$${toB64(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const actual = await pbkdf2(password, fromB64(salt), Number(iterations));
  return timingSafeEqual(toB64(actual), hash);
}

/** A hash with a fixed salt, so an unknown user costs the same time as a wrong password. */
export const DUMMY_PASSWORD_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
