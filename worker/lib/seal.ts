// Secrets at rest (OAuth tokens, PKCE verifiers): AES-256-GCM with a key from a Worker secret. The
// additional data binds a sealed value to where it belongs (entity, environment, purpose), so a value
// copied into another entity's row, or another environment's database, does not open.
const VERSION = "v1";

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function fromB64(text: string): Uint8Array {
  const plain = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(plain + "=".repeat((4 - (plain.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The AES key from its base64 secret (32 bytes); imported once per isolate. */
export function sealingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = fromB64(secret.trim());
    if (raw.length !== 32) throw new Error("the sealing key must be 32 bytes, base64-encoded");
    key = crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(secret, key);
  }
  return key;
}

export async function seal(key: CryptoKey, plaintext: string, boundTo: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(plaintext);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(boundTo) }, key, data);
  return `${VERSION}.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

/** The plaintext, or null when the value was not sealed by this key for this place. */
export async function unseal(key: CryptoKey, sealed: string, boundTo: string): Promise<string | null> {
  const [version, iv, body] = sealed.split(".");
  if (version !== VERSION || !iv || !body) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromB64(iv) as BufferSource, additionalData: new TextEncoder().encode(boundTo) }, key, fromB64(body) as BufferSource);
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
