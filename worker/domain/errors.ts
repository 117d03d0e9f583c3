// What the domain and the lifecycle actions refuse, in the contract's words (a code, a message, the
// fields at fault). Which HTTP status a code is, is the API's business (worker/api/errors.ts); the
// co-editing room sends the same code in its reject. Pure.
export interface ErrorDetail {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what = "Resource", details: ErrorDetail[] = []) => new DomainError("not_found", `${what} not found`, details);

/** A refusal because the input is malformed (the API's 400), with the field at fault. */
export const invalid = (message: string, path?: string) => new DomainError("invalid_request", message, path ? [{ path, message }] : []);
