// Approvals (issue 11, "Measured"): submit -> task.created on the approver's socket, against the bare
// broadcast floor (the same kind of event write and a bare Durable Object fan-out to one socket) in
// the same run; then 50 quotes submitted at once — every task created exactly once — and how many
// decisions per second one entity sustains when the approver clears them all at once.
import { ms, percentile } from "./stats.ts";

const ENTITY = "/api/v1/entities/acme-us";
const APPROVER_ID = "usr_approver";

async function signIn(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password: "kontor-demo-password" }),
  });
  return /kontor_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}

async function open(socketUrl: string): Promise<WebSocket> {
  const socket = new WebSocket(socketUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("socket failed to open")), { once: true });
  });
  return socket;
}

/** Resolves at the first message on `socket` for which `match` holds. */
function first(socket: WebSocket, match: (message: any) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (!match(message)) return;
      socket.removeEventListener("message", onMessage);
      resolve(performance.now());
    };
    socket.addEventListener("message", onMessage);
  });
}

export async function benchApprovals(url: string, adminCookie: string, customerId: string, rounds = 40) {
  const wsUrl = url.replace(/^http/, "ws");
  const sales = await signIn(url, "sales@acme.test");
  const approver = await signIn(url, "approver@acme.test");
  const call = async (method: string, path: string, cookie: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { cookie, origin: url, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  // A workflow of its own, so the bench does not depend on the demo one: a big discount needs the approver.
  const current = await call("GET", `${ENTITY}/approval-workflow`, adminCookie);
  const put = await fetch(`${url}${ENTITY}/approval-workflow`, {
    method: "PUT",
    headers: { cookie: adminCookie, origin: url, "content-type": "application/json", "if-match": `"${current.body.version}"` },
    body: JSON.stringify({
      rules: [
        { name: "Bench discount", conditions: [{ field: "maxDiscountPercent", op: "gt", value: "20" }], steps: [{ approvers: { roles: ["approver"], userIds: [] }, mode: "ANY" }] },
        { name: "Default", conditions: [], steps: [] },
      ],
    }),
  });
  if (put.status !== 200) throw new Error(`workflow PUT answered ${put.status}: ${await put.text()}`);
  const draft = async (i: number) => {
    const res = await call("POST", `${ENTITY}/quotes`, sales, {
      customerId,
      title: `Approval bench ${i}`,
      currency: "USD",
      lines: [{ priceId: "price_us_platform_monthly", quantity: "1", discount: { type: "PERCENTAGE", value: "30" } }],
    });
    if (res.status !== 201) throw new Error(`quote create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  // 1. submit -> task.created on the approver's socket, vs the bare write + fan-out to one socket.
  const token = (await call("POST", `${ENTITY}/live-token`, approver)).body.token;
  const approverSocket = await open(`${wsUrl}/parties/entity-room/ent_acme_us?token=${token}`);
  const bareSocket = await open(`${wsUrl}/__bare/fanout`);
  const ours: number[] = [];
  const bare: number[] = [];
  const authed: number[] = [];
  for (let i = 0; i < rounds + 5; i++) {
    const quoteId = await draft(i);
    let start = performance.now();
    const arrived = first(approverSocket, (m) => m.type === "event" && m.kind === "task.created" && m.data?.quoteId === quoteId && m.data?.assigneeUserId === APPROVER_ID);
    const submitted = await call("POST", `${ENTITY}/quotes/${quoteId}/submit`, sales, {});
    if (submitted.status !== 200 || submitted.body.approvalStatus !== "PENDING") throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
    const a = (await arrived) - start;
    const marker = `bench-${i}-${Math.random().toString(36).slice(2)}`;
    start = performance.now();
    const bareArrived = first(bareSocket, (m) => m.data?.marker === marker);
    const res = await fetch(`${url}/__bare/publish-via-bare`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ marker }) });
    await res.arrayBuffer();
    const b = (await bareArrived) - start;
    const authedMarker = `${marker}-authed`;
    start = performance.now();
    const authedArrived = first(bareSocket, (m) => m.data?.marker === authedMarker);
    const written = await fetch(`${url}/__bare/authed-write`, { method: "POST", headers: { cookie: sales, "content-type": "application/json" }, body: JSON.stringify({ marker: authedMarker, quoteId }) });
    if (written.status !== 200) throw new Error(`authed floor answered ${written.status}: ${await written.text()}`);
    const w = (await authedArrived) - start;
    if (i < 5) continue; // warm-up
    ours.push(a);
    bare.push(b);
    authed.push(w);
  }
  approverSocket.close();
  bareSocket.close();
  console.log(
    `approvals: submit -> task.created on the approver's socket p50 ${ms(percentile(ours, 50))} p95 ${ms(percentile(ours, 95))}` +
      ` | bare write + fan-out p50 ${ms(percentile(bare, 50))} p95 ${ms(percentile(bare, 95))}` +
      ` | ratio p50 ${(percentile(ours, 50) / percentile(bare, 50)).toFixed(2)}x p95 ${(percentile(ours, 95) / percentile(bare, 95)).toFixed(2)}x (target <= 1.5x)`,
  );
  console.log(
    `approvals: bare authenticated read + write + fan-out p50 ${ms(percentile(authed, 50))} p95 ${ms(percentile(authed, 95))}` +
      ` = ${(percentile(authed, 50) / percentile(bare, 50)).toFixed(2)}x the bare broadcast floor at p50 | submit against it: p50 ${(percentile(ours, 50) / percentile(authed, 50)).toFixed(2)}x p95 ${(percentile(ours, 95) / percentile(authed, 95)).toFixed(2)}x`,
  );

  // 2. 50 submitted at once: every task exactly once; then the approver decides all 50 at once.
  const quoteIds = await Promise.all(Array.from({ length: 50 }, (_, i) => draft(1000 + i)));
  const submits = await Promise.all(quoteIds.map((id) => call("POST", `${ENTITY}/quotes/${id}/submit`, sales, {})));
  const failed = submits.filter((s) => s.status !== 200).length;
  const tasksPerQuote = await Promise.all(quoteIds.map(async (id) => (await call("GET", `${ENTITY}/tasks?quoteId=${id}&status=OPEN`, approver)).body.items as { id: string }[]));
  const exactlyOnce = tasksPerQuote.every((t) => t.length === 1);
  const start = performance.now();
  const decisions = await Promise.all(tasksPerQuote.map((t) => call("POST", `${ENTITY}/tasks/${t[0].id}/approve`, approver, { comment: "bench" })));
  const elapsed = performance.now() - start;
  const approved = decisions.filter((d) => d.status === 200).length;
  console.log(
    `approvals: 50 concurrent submits: ${50 - failed} answered 200, tasks created exactly once: ${exactlyOnce ? "yes" : "NO"}` +
      ` | 50 concurrent approvals: ${approved} approved in ${ms(elapsed)} = ${(approved / (elapsed / 1000)).toFixed(0)} decisions/s in one entity`,
  );
  if (failed || !exactlyOnce || approved !== 50) throw new Error("approvals bench: not every submit/decision succeeded exactly once");
}
