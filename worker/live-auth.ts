// WebSocket upgrades are authenticated in the Worker, before the socket reaches the room.
import { ROOM_HEADERS } from "../party/entity-room.ts";
import { spendLiveToken } from "./actions/access.ts";
import { entityWithRoles, resolveEntityAccess } from "./db/control.ts";
import { errorBody } from "./api/errors.ts";
import type { EntityRecord, Env, Principal } from "./env.ts";
import { newId } from "./lib/crypto.ts";
import { sessionCookieOf } from "./credentials.ts";

function refuse(status: number, code: string, message: string) {
  return new Response(JSON.stringify(errorBody(newId("req"), code, message)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

export async function authorizeRoomConnection(request: Request, env: Env, lobby: { name: string }): Promise<Request | Response> {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return refuse(426, "upgrade_required", "WebSocket only");
  const url = new URL(request.url);
  const entityId = lobby.name;
  let granted: { principal: Principal; sessionId: string; expiresAt: string | null; entity: EntityRecord | null; roles: string[] } | null = null;
  const token = url.searchParams.get("token");
  if (token) {
    // Single use: the token is spent here, and only while the credential it was minted from lives.
    const spent = await spendLiveToken({ control: env.CONTROL, environment: env.ENVIRONMENT }, token, entityId);
    const found = spent ? await entityWithRoles(env.CONTROL, spent.principal, entityId, env.ENVIRONMENT) : null;
    if (spent) granted = { ...spent, entity: found?.entity ?? null, roles: found?.roles ?? [] };
  } else {
    const session = sessionCookieOf(request.headers);
    // A page on another origin must not ride the user's cookie into the socket.
    const origin = request.headers.get("origin");
    if (session && origin && origin !== url.origin) return refuse(403, "csrf_rejected", "Cross-site WebSocket refused");
    if (session) granted = await resolveEntityAccess(env.CONTROL, { session }, entityId, env.ENVIRONMENT);
  }
  if (!granted) return refuse(401, "unauthenticated", "Sign in or pass a live token");
  // The room is addressed by entity id only: a slug would name a second room.
  if (!granted.entity || granted.entity.id !== entityId || granted.roles.length === 0) return refuse(403, "forbidden", "Not a member of this entity");
  if (!env[granted.entity.binding]) return refuse(503, "entity_unavailable", "Entity database unavailable");
  const headers = new Headers(request.headers);
  // Every room header is set here, so a client-sent one never reaches the room.
  headers.set(ROOM_HEADERS.principal, JSON.stringify(granted.principal));
  headers.set(ROOM_HEADERS.binding, granted.entity.binding);
  headers.set(ROOM_HEADERS.roles, JSON.stringify(granted.roles));
  headers.set(ROOM_HEADERS.session, granted.sessionId);
  headers.set(ROOM_HEADERS.expires, JSON.stringify(granted.expiresAt));
  return new Request(request, { headers });
}
