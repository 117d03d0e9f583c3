// Co-editing as clients see it: editors on real WebSockets from this Node process, through the dev
// server, against the same harness pointed at bare Durable Object floors. Two loads:
// - saturation (closed loop): each editor sends its next batch the moment the last is acked, so the
//   latency is mostly queueing behind the other editors, and the rate is the quote's capacity;
// - paced: the editors share an offered load of PACED_RATE batches/s on the quote (each editor at
//   PACED_RATE/N per second, random phase), so the latency is the cost of one batch under concurrency.
//   The web editor sends one batch per 300 ms pause in typing, so 100 batches/s is 30 people typing
//   non-stop on one quote.
// At 50 editors this one Node process receives every event on every socket and starts to measure
// itself; coedit.bench.ts drives the editors from inside workerd for the server-side view.
import { percentile, ms } from "./stats.ts";

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => resolve(socket), { once: true });
    socket.addEventListener("error", () => reject(new Error(`socket failed: ${url.replace(/token=.*/, "token=…")}`)), { once: true });
  });
}

const PACED_RATE = 100;
const PACED_SECONDS = 4;

interface Run {
  latencies: number[];
  perSecond: number;
  rejected: number;
}

/** Each editor sends a batch every N/PACED_RATE seconds, whatever the acks do (open loop). */
async function pace(sockets: WebSocket[], batch: (editor: number, n: number) => object): Promise<Run> {
  const interval = (1000 * sockets.length) / PACED_RATE;
  const perEditor = Math.round((PACED_SECONDS * 1000) / interval);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let rejected = 0;
  let answered = 0;
  const total = perEditor * sockets.length;
  const start = performance.now();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const listeners = sockets.map((socket) => {
    const onMessage = (event: MessageEvent) => {
      const data = String(event.data);
      if (!data.startsWith('{"type":"ack"') && !data.startsWith('{"type":"reject"')) return;
      const message = JSON.parse(data) as { type: string; clientOpId: string };
      const at = sentAt.get(message.clientOpId);
      if (at === undefined) return;
      sentAt.delete(message.clientOpId);
      if (message.type === "reject") rejected++;
      latencies.push(performance.now() - at);
      if (process.env.BENCH_DEBUG) (globalThis as any).__trace?.push([Math.round(at - start), Math.round(performance.now() - at)]);
      if (++answered === total) done();
    };
    socket.addEventListener("message", onMessage);
    return onMessage;
  });
  sockets.forEach((socket, editor) => {
    const phase = Math.random() * interval;
    for (let n = 0; n < perEditor; n++) {
      setTimeout(() => {
        const clientOpId = `p${editor}-${n}-${Math.random().toString(36).slice(2, 8)}`;
        sentAt.set(clientOpId, performance.now());
        socket.send(JSON.stringify({ ...batch(editor, n), clientOpId }));
      }, phase + n * interval);
    }
  });
  const timeout = setTimeout(done, PACED_SECONDS * 1000 + 30_000);
  await finished;
  clearTimeout(timeout);
  sockets.forEach((socket, i) => socket.removeEventListener("message", listeners[i]));
  return { latencies, perSecond: latencies.length / ((performance.now() - start) / 1000), rejected: rejected + (total - answered) };
}

/** Each editor sends its next batch when the previous one is acked (closed loop). */
async function drive(sockets: WebSocket[], batchesPerEditor: number, batch: (editor: number, n: number) => object) {
  const latencies: number[] = [];
  let rejected = 0;
  const start = performance.now();
  await Promise.all(
    sockets.map(
      (socket, editor) =>
        new Promise<void>((resolve, reject) => {
          let n = 0;
          let sentAt = 0;
          let waiting = "";
          const next = () => {
            if (n === batchesPerEditor) {
              socket.removeEventListener("message", onMessage);
              resolve();
              return;
            }
            waiting = `e${editor}-${n}-${Math.random().toString(36).slice(2, 8)}`;
            sentAt = performance.now();
            socket.send(JSON.stringify({ ...batch(editor, n), clientOpId: waiting }));
            n++;
          };
          const onMessage = (event: MessageEvent) => {
            const data = String(event.data);
            if (!data.startsWith('{"type":"ack"') && !data.startsWith('{"type":"reject"')) return; // parse only what this editor waits for
            const message = JSON.parse(data) as { type: string; clientOpId?: string; error?: { code: string } };
            if ((message.type === "ack" || message.type === "reject") && message.clientOpId === waiting) {
              if (message.type === "reject") {
                rejected++;
                if (rejected > 5) reject(new Error(`batches rejected: ${message.error?.code}`));
              }
              latencies.push(performance.now() - sentAt);
              next();
            }
          };
          socket.addEventListener("message", onMessage);
          next();
        }),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  return { latencies, perSecond: latencies.length / seconds, rejected };
}

export async function benchCoeditClients(url: string, cookie: string) {
  const wsUrl = url.replace(/^http/, "ws");
  const headers = { cookie, origin: url, "content-type": "application/json" };
  const customer = await (await fetch(`${url}/api/v1/entities/acme-us/customers`, { method: "POST", headers, body: JSON.stringify({ legalName: "Co-edit bench", email: "b@b.test", country: "US" }) })).json() as { id: string };
  const liveUrl = async () => {
    const { token } = (await (await fetch(`${url}/api/v1/entities/acme-us/live-token`, { method: "POST", headers })).json()) as { token: string };
    return `${wsUrl}/parties/entity-room/ent_acme_us?token=${token}`;
  };
  for (const editors of [2, 10, 50]) {
    const quote = (await (await fetch(`${url}/api/v1/entities/acme-us/quotes`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        customerId: customer.id,
        title: `Bench ${editors}`,
        currency: "USD",
        lines: Array.from({ length: editors }, (_, i) => ({ id: `e${i}`, priceId: "price_us_seats_monthly", quantity: "5" })),
      }),
    })).json()) as { id: string; rev: number };
    const ours: WebSocket[] = [];
    const bare: WebSocket[] = [];
    const durable: WebSocket[] = [];
    const relay: WebSocket[] = [];
    for (let i = 0; i < editors; i++) {
      ours.push(await open(await liveUrl()));
      bare.push(await open(`${wsUrl}/__bare/echo`));
      durable.push(await open(`${wsUrl}/__bare/durable-relay`));
      relay.push(await open(`${wsUrl}/__bare/relay`));
    }
    const perEditor = Math.max(8, Math.ceil(400 / editors));
    // each editor edits its own line, plus a shared field every fourth batch: real concurrent editing
    const batch = (editor: number, n: number) => ({
      type: "op",
      quoteId: quote.id,
      baseRev: quote.rev,
      ops: n % 4 === 3
        ? [{ op: "set", field: "notes", value: `editor ${editor} batch ${n}` }]
        : [{ op: "updateLine", lineId: `e${editor}`, field: "quantity", value: String(5 + ((n * 7 + editor) % 40)) }],
    });
    const warmUp = Math.ceil(100 / editors); // ~100 batches each, so every path is compiled before it is timed
    for (const sockets of [ours, bare, durable, relay]) await drive(sockets, warmUp, batch);
    const report = (load: string, a: Run, b: Run, r: Run, d: Run) => {
      const p95 = percentile(a.latencies, 95);
      const floor = (name: string, run: Run) => ` | ${name} p95 ${ms(percentile(run.latencies, 95))} → ${(p95 / percentile(run.latencies, 95)).toFixed(2)}x`;
      console.log(
        `coedit (clients, ${load}): ${String(editors).padStart(2)} editors, ${a.latencies.length} batches — ack p50 ${ms(percentile(a.latencies, 50))} p95 ${ms(p95)}, ${a.perSecond.toFixed(0)} acked/s` +
          floor("bare DO echo (target < 3x)", b) + floor("bare DO relay", r) + floor("bare DO relay after one D1 write", d) +
          (load === "saturation" ? ` | floors' rates: echo ${b.perSecond.toFixed(0)}/s, relay ${r.perSecond.toFixed(0)}/s, D1+relay ${d.perSecond.toFixed(0)}/s (target >= 200 acked/s)` : "") +
          (a.rejected ? ` | ${a.rejected} rejected or unanswered` : ""),
      );
    };
    report("saturation", await drive(ours, perEditor, batch), await drive(bare, perEditor, batch), await drive(relay, perEditor, batch), await drive(durable, perEditor, batch));
    (globalThis as any).__trace = [];
    const pacedOurs = await pace(ours, batch);
    if (process.env.BENCH_DEBUG) console.log(JSON.stringify((globalThis as any).__trace.filter((t: number[]) => t[1] > 20)));
    report(`paced ${PACED_RATE}/s`, pacedOurs, await pace(bare, batch), await pace(relay, batch), await pace(durable, batch));
    for (const s of [...ours, ...bare, ...durable, ...relay]) s.close();
  }
}
