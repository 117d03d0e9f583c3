// Connecting an entity to Xero (API.md "Xero"): the connect request mints a state bound to the user, the
// entity, the environment and a PKCE verifier; the callback takes that state once, and the connection's
// Durable Object exchanges the code and stores the tokens.
import type { Actor } from "../../../party/protocol.ts";
import { changeSetOf, commit, type ActionContext } from "../../actions/context.ts";
import { consumeOAuthState, findConnection, recordConnectStarted, syncSummary, type ConnectionRow } from "../../db/integrations.ts";
import { DomainError } from "../../domain/errors.ts";
import type { EntityRecord, Env, Environment } from "../../env.ts";
import { randomToken, sha256Hex } from "../../lib/crypto.ts";
import { seal, unseal } from "../../lib/seal.ts";
import { callbackUrl, sealedFor, xeroConfig } from "./config.ts";
import { connectionObject, PROVIDER, type ConnectionFacts, type Outcome } from "./connection.ts";
import { consentUrl, pkcePair } from "./oauth.ts";

/** How long a connect may take between our redirect and Xero's callback. */
export const STATE_TTL_MS = 10 * 60_000;

/** `xs_<environment>_<entity id>.<random>`: the callback knows the entity and refuses another environment's state. */
const STATE = /^xs_(local|sandbox|production)_(ent_[a-z0-9_]{1,60})\.([A-Za-z0-9_-]{32,64})$/;

export function parseState(state: string): { environment: Environment; entityId: string } | null {
  const m = STATE.exec(state);
  return m ? { environment: m[1] as Environment, entityId: m[2]! } : null;
}

/** Start a connect: store the state and verifier (sealed), and answer with Xero's consent URL. */
export async function startConnect(env: Env, ctx: ActionContext, userId: string): Promise<string> {
  const config = await xeroConfig(env);
  const state = `xs_${config.environment}_${ctx.entity.id}.${randomToken(32)}`;
  const { verifier, challenge } = await pkcePair();
  const redirectUri = callbackUrl(ctx.origin!);
  const changes = changeSetOf(ctx);
  recordConnectStarted(changes, {
    stateHash: await sha256Hex(state),
    provider: PROVIDER,
    environment: config.environment,
    userId,
    codeVerifier: await seal(config.key, verifier, sealedFor(config, ctx.entity, "verifier")),
    redirectUri,
    createdAt: changes.at,
    expiresAt: new Date(Date.parse(changes.at) + STATE_TTL_MS).toISOString(),
  });
  await commit(ctx, changes, null);
  return consentUrl(config, { state, challenge, redirectUri });
}

/**
 * Take the callback's state: it must be this environment's, this user's, unexpired and unused. Anything
 * else is the same refusal, so a probe learns nothing about states it does not hold.
 */
export async function takeState(env: Env, entity: EntityRecord, db: D1Database, state: string, userId: string): Promise<{ codeVerifier: string; redirectUri: string }> {
  const config = await xeroConfig(env);
  const row = await consumeOAuthState(db, { stateHash: await sha256Hex(state), userId, environment: config.environment });
  const refused = () => new DomainError("invalid_oauth_state", "This Xero connect link is not valid (expired, used, or started by someone else): start again from Integrations");
  if (!row || Date.parse(row.expiresAt) <= Date.now()) throw refused();
  const codeVerifier = await unseal(config.key, row.codeVerifier, sealedFor(config, entity, "verifier"));
  if (!codeVerifier) throw refused();
  return { codeVerifier, redirectUri: row.redirectUri };
}

export function establish(env: Env, entity: EntityRecord, input: { code: string; codeVerifier: string; redirectUri: string; actor: Actor; requestId: string | null }): Promise<Outcome<ConnectionFacts>> {
  return connectionObject(env, entity).establish(entity, input) as Promise<Outcome<ConnectionFacts>>;
}

export async function disconnect(env: Env, ctx: ActionContext): Promise<ConnectionFacts> {
  const result = (await connectionObject(env, ctx.entity).disconnect(ctx.entity, ctx.actor, ctx.requestId)) as Outcome<ConnectionFacts>;
  if (!result.ok) throw new DomainError(result.code, result.message);
  return result.value;
}

export interface IntegrationView {
  provider: "xero";
  name: string;
  connected: boolean;
  state: ConnectionRow["state"] | null;
  tenantId: string | null;
  tenantName: string | null;
  connectedAt: string | null;
  connectedBy: string | null;
  lastError: string | null;
}

export function viewOf(row: ConnectionRow | null, environment: Environment): IntegrationView {
  // A row written by another environment (a copied database) is not this environment's connection.
  const mine = row && row.environment === environment ? row : null;
  return {
    provider: "xero",
    name: "Xero",
    connected: mine?.state === "CONNECTED",
    state: mine?.state ?? null,
    tenantId: mine?.tenantId ?? null,
    tenantName: mine?.tenantName ?? null,
    connectedAt: mine?.connectedAt ?? null,
    connectedBy: mine?.connectedBy ?? null,
    lastError: mine?.lastError ?? null,
  };
}

export async function integrationOf(db: D1Database, environment: Environment): Promise<IntegrationView> {
  return viewOf(await findConnection(db, PROVIDER), environment);
}

export async function status(db: D1Database, environment: Environment) {
  const [view, summary] = await Promise.all([integrationOf(db, environment), syncSummary(db, PROVIDER)]);
  return { connected: view.connected, state: view.state, tenantId: view.tenantId, tenantName: view.tenantName, ...summary };
}
