// Where Xero is and who we are to it, per environment: URLs from vars (the fake locally), the app's
// client id and secret and the token-sealing key from Worker secrets (local defaults in wrangler.toml's
// top-level vars only; sandbox and production set them with `wrangler secret put … --env <env>`).
import { DomainError } from "../../domain/errors.ts";
import type { EntityRecord, Env, Environment } from "../../env.ts";
import { sealingKey } from "../../lib/seal.ts";

/** Xero's granular scopes (apps created after March 2026): contacts, invoices and credit notes, payments, settings. */
export const XERO_SCOPES = ["openid", "profile", "email", "offline_access", "accounting.contacts", "accounting.settings", "accounting.invoices", "accounting.payments"];

export interface XeroConfig {
  environment: Environment;
  clientId: string;
  clientSecret: string;
  loginUrl: string;
  identityUrl: string;
  apiUrl: string;
  key: CryptoKey;
}

export async function xeroConfig(env: Env): Promise<XeroConfig> {
  const { XERO_CLIENT_ID: clientId, XERO_CLIENT_SECRET: clientSecret, XERO_TOKEN_KEY: secret } = env;
  if (!clientId || !clientSecret || !secret || !env.XERO_LOGIN_URL || !env.XERO_IDENTITY_URL || !env.XERO_API_URL) {
    throw new DomainError("integration_unavailable", "Xero is not configured in this environment (XERO_CLIENT_ID, XERO_CLIENT_SECRET, XERO_TOKEN_KEY)");
  }
  const trim = (url: string) => url.replace(/\/+$/, "");
  return {
    environment: env.ENVIRONMENT,
    clientId,
    clientSecret,
    loginUrl: trim(env.XERO_LOGIN_URL),
    identityUrl: trim(env.XERO_IDENTITY_URL),
    apiUrl: trim(env.XERO_API_URL),
    key: await sealingKey(secret),
  };
}

/** What a sealed value is bound to: this entity, this environment, this use. */
export const sealedFor = (config: XeroConfig, entity: EntityRecord, use: "access" | "refresh" | "verifier") => `${config.environment}:${entity.id}:xero:${use}`;

/** Where Xero sends the browser back: one callback per deployment, outside any entity's path. */
export const callbackUrl = (origin: string) => `${origin}/api/v1/integrations/xero/callback`;
