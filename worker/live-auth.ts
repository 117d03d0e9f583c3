// WebSocket upgrades are authenticated in the Worker, before the socket reaches the room.
import { ROOM_HEADERS } from "../party/entity-room.ts";
import { entityWithRoles, principalFromLiveToken, principalFromSession } from "./db/control.ts";
import { errorBody } from "./api/errors.ts";
import type { Env, Principal } from "./env.ts";
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
  let principal: Principal | null = null;
  const token = url.searchParams.get("token");
  if (token) {
    principal = await principalFromLiveToken(env.CONTROL, token, entityId);
  } else {
    const session = sessionCookieOf(request.headers);
    // A page on another origin must not ride the user's cookie into the socket.
    const origin = request.headers.get("origin");
    if (session && origin && origin !== url.origin) return refuse(403, "csrf_rejected", "Cross-site WebSocket refused");
    if (session) principal = await principalFromSession(env.CONTROL, session, env.ENVIRONMENT);
  }
  if (!principal) return refuse(401, "unauthenticated", "Sign in or pass a live token");
  const found = await entityWithRoles(env.CONTROL, principal, entityId, env.ENVIRONMENT);
  // The room is addressed by entity id only: a slug would name a second room.
  if (!found || found.entity.id !== entityId) return refuse(403, "forbidden", "Not a member of this entity");
  if (!env[found.entity.binding]) return refuse(503, "entity_unavailable", "Entity database unavailable");
  const headers = new Headers(request.headers);
  headers.set(ROOM_HEADERS.principal, JSON.stringify(principal));
  headers.set(ROOM_HEADERS.binding, found.entity.binding);
  headers.set(ROOM_HEADERS.roles, JSON.stringify(found.roles));
  return new Request(request, { headers });
}
