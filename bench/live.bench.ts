// One event to 50 sockets: our path (API create -> D1 batch -> EntityRoom -> 50 sockets) vs a bare
// route doing the same D1 write and a bare Durable Object fan-out to 50 sockets, in the same workerd.
// Also: the latency from the API response to the event on a socket.
import { mean, ms, percentile } from "./stats.ts";

const SOCKETS = 50;

async function openSockets(urls: () => Promise<string>, count: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(await urls());
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`socket ${i} failed to open: ${String(socket.url).replace(/token=.*/, "token=…")}`)), { once: true });
    });
    sockets.push(socket);
  }
  return sockets;
}

/** Resolves when every socket has received a message containing `marker`; returns each arrival time. */
function arrivals(sockets: WebSocket[], marker: string): Promise<number[]> {
  return new Promise((resolve) => {
    const times: number[] = [];
    for (const socket of sockets) {
      const onMessage = (event: MessageEvent) => {
        if (!String(event.data).includes(marker)) return;
        socket.removeEventListener("message", onMessage);
        times.push(performance.now());
        if (times.length === sockets.length) resolve(times);
      };
      socket.addEventListener("message", onMessage);
    }
  });
}

export async function benchLive(url: string, cookie: string, rounds = 60) {
  const wsUrl = url.replace(/^http/, "ws");
  const liveToken = async () => {
    const res = await fetch(`${url}/api/v1/entities/acme-us/live-token`, { method: "POST", headers: { cookie, origin: url } });
    const { token } = (await res.json()) as { token: string };
    return `${wsUrl}/parties/entity-room/ent_acme_us?token=${token}`;
  };
  const ours = await openSockets(liveToken, SOCKETS);
  const bare = await openSockets(async () => `${wsUrl}/__bare/fanout`, SOCKETS);
  const broadcastOurs: number[] = [];
  const broadcastBare: number[] = [];
  const endToEndOurs: number[] = [];
  const endToEndBare: number[] = [];
  const afterResponse: number[] = [];
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  /** Time from sending the request until the last of the sockets has the message. */
  async function measure(sockets: WebSocket[], marker: string, send: () => Promise<Response>) {
    const start = performance.now();
    const waiting = arrivals(sockets, marker);
    const res = await send();
    const responded = performance.now();
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`bench request answered ${res.status}`);
    const times = await waiting;
    return { all: Math.max(...times) - start, afterResponse: times.map((t) => t - responded) };
  }
  for (let i = 0; i < rounds + 10; i++) {
    const warm = i < 10;
    const m = () => `bench-${i}-${Math.random().toString(36).slice(2)}`;
    // 1. the broadcast alone: identical event write, our room vs the bare object
    let marker = m();
    const a = await measure(ours, marker, () => post("/__bare/publish-via-room", { marker }));
    marker = m();
    const b = await measure(bare, marker, () => post("/__bare/publish-via-bare", { marker }));
    // 2. end to end through the API (auth, validation, batch with audit + event, broadcast)
    marker = m();
    const c = await measure(ours, marker, () =>
      post("/api/v1/entities/acme-us/customers", { legalName: marker, email: "bench@bench.test", country: "US" }, { cookie, origin: url }),
    );
    marker = m();
    const d = await measure(bare, marker, () => post("/__bare/customers", { legalName: marker }));
    if (warm) continue;
    broadcastOurs.push(a.all);
    broadcastBare.push(b.all);
    endToEndOurs.push(c.all);
    endToEndBare.push(d.all);
    afterResponse.push(...c.afterResponse);
  }
  for (const socket of [...ours, ...bare]) socket.close();
  const ratio = percentile(broadcastOurs, 50) / percentile(broadcastBare, 50);
  console.log(
    `live: one event to ${SOCKETS} sockets (same D1 event write) via EntityRoom p50 ${ms(percentile(broadcastOurs, 50))} p95 ${ms(percentile(broadcastOurs, 95))}` +
      ` | via bare DO fan-out p50 ${ms(percentile(broadcastBare, 50))} p95 ${ms(percentile(broadcastBare, 95))}` +
      ` | ratio (p50) ${ratio.toFixed(2)}x (target <= 1.5x)`,
  );
  console.log(
    `live: end to end, POST /customers -> event on all ${SOCKETS} sockets p50 ${ms(percentile(endToEndOurs, 50))} p95 ${ms(percentile(endToEndOurs, 95))}` +
      ` | bare write + fan-out p50 ${ms(percentile(endToEndBare, 50))} | ratio (p50) ${(percentile(endToEndOurs, 50) / percentile(endToEndBare, 50)).toFixed(2)}x (includes auth, validation, audit row)`,
  );
  console.log(
    `live: API response -> event on a socket p50 ${ms(percentile(afterResponse, 50))} p95 ${ms(percentile(afterResponse, 95))} mean ${ms(mean(afterResponse))} (target p95 < 50ms; negative = event before response)`,
  );
  return { ratio };
}
