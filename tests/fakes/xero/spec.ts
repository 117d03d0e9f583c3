// Xero's official OpenAPI documents (MIT; a copy in ./openapi/, from ../shared/reference/xero/) loaded
// into openapi-backend, so the fake checks every request the way Xero's contract describes it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { load } from "js-yaml";
import { OpenAPIBackend } from "openapi-backend";

export interface RequestCheck {
  operationId: string | null;
  valid: boolean;
  errors: string[];
}

/**
 * Where the specs are: XERO_SPEC_DIR, else the copy kept with the fake (a clean clone has nothing beside
 * it), else `shared/reference/xero` beside the repository or further up.
 */
export function specDir(): string {
  if (process.env.XERO_SPEC_DIR) return process.env.XERO_SPEC_DIR;
  const kept = join(import.meta.dirname, "openapi");
  if (existsSync(join(kept, "xero_accounting.yaml"))) return kept;
  const root = resolve(import.meta.dirname, "../../..");
  for (let dir = dirname(root), i = 0; i < 3; dir = dirname(dir), i++) {
    const candidate = join(dir, "shared/reference/xero");
    if (existsSync(join(candidate, "xero_accounting.yaml"))) return candidate;
  }
  throw new Error(`Xero's OpenAPI specs not found beside ${root}: set XERO_SPEC_DIR to the folder holding xero_accounting.yaml`);
}

/**
 * OpenAPI 3.0 ignores the siblings of a `$ref`, but Xero's document has some (`$ref` + `type`), and
 * merged siblings make the dereferenced schemas invalid for Ajv. Keep the `$ref` alone, as 3.0 reads it.
 */
function dropRefSiblings(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropRefSiblings);
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === "string") for (const key of Object.keys(record)) if (key !== "$ref") delete record[key];
  for (const value of Object.values(record)) dropRefSiblings(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SpecValidator {
  private readonly api: OpenAPIBackend;
  private ready: Promise<unknown> | null = null;

  constructor(file: string) {
    const definition = load(readFileSync(file, "utf8")) as Record<string, unknown>;
    dropRefSiblings(definition);
    this.api = new OpenAPIBackend({
      definition: definition as never,
      quick: true, // the document is not strictly valid 3.0 (see above): skip the definition check
      validate: true,
      ajvOpts: { allErrors: true, strict: false, logger: false },
      customizeAjv: (ajv) => {
        ajv.addFormat("uuid", UUID);
        ajv.addFormat("date-time", { validate: (s: string) => !Number.isNaN(Date.parse(s)) });
        ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
        ajv.addFormat("double", true);
        ajv.addFormat("int64", true);
        ajv.addFormat("int32", true);
        ajv.addFormat("binary", true);
        ajv.addFormat("byte", true);
        return ajv;
      },
    });
  }

  private init() {
    return (this.ready ??= this.api.init());
  }

  /** Check one request; `path` is relative to the document's server (no `/api.xro/2.0`). */
  async check(request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: unknown }): Promise<RequestCheck> {
    await this.init();
    const req = { method: request.method.toLowerCase(), path: request.path, query: request.query, headers: request.headers, body: request.body };
    const operation = this.api.matchOperation(req);
    if (!operation) return { operationId: null, valid: false, errors: [`${request.method} ${request.path} is not an operation of Xero's API`] };
    const result = this.api.validateRequest(req, operation);
    const errors = (result.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`.trim());
    return { operationId: operation.operationId ?? null, valid: result.valid, errors };
  }
}

const cache = new Map<string, SpecValidator>();

/** One validator per document per process: loading Xero's 900 kB YAML takes a few hundred ms. */
export function validatorFor(name: "xero_accounting.yaml" | "xero-identity.yaml", dir = specDir()): SpecValidator {
  const file = join(dir, name);
  let validator = cache.get(file);
  if (!validator) cache.set(file, (validator = new SpecValidator(file)));
  return validator;
}
