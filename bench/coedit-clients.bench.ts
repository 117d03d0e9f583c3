// Co-editing as clients see it: editors on real WebSockets from this Node process, through the dev
// server, against the same harness pointed at a bare Durable Object echo. At 50 editors this one Node
// process receives every event on every socket (~2,500 frames per group) and starts to measure itself;
// coedit.bench.ts drives the editors from inside workerd for the server-side view.
import { percentile, ms } from "./stats.ts";

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => resolve(socket), { once: true });
    socket.addEventListener("error", () => reject(new Error(`socket failed: ${url.replace(/token=.*/, "token=…")}`)), { once: true });
  });
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
      durable.push(await open(`${wsUrl}/__bare/echo-durable`));
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
    await drive(ours, 3, batch); // warm up
    await drive(bare, 3, batch);
    await drive(durable, 3, batch);
    await drive(relay, 3, batch);
    const a = await drive(ours, perEditor, batch);
    const b = await drive(bare, perEditor, batch);
    const d = await drive(durable, perEditor, batch);
    const r = await drive(relay, perEditor, batch);
    for (const s of [...ours, ...bare, ...durable, ...relay]) s.close();
    const p95 = percentile(a.latencies, 95);
    const floor = (name: string, run: typeof b) => ` | ${name} p95 ${ms(percentile(run.latencies, 95))} ${run.perSecond.toFixed(0)}/s → ${(p95 / percentile(run.latencies, 95)).toFixed(2)}x`;
    console.log(
      `coedit (clients): ${String(editors).padStart(2)} editors, ${a.latencies.length} batches on one quote — ack p50 ${ms(percentile(a.latencies, 50))} p95 ${ms(p95)}, ${a.perSecond.toFixed(0)} acked batches/s (target >= 200)` +
        floor("bare DO echo (target < 3x)", b) + floor("bare DO relay to all editors", r) + floor("bare DO echo after one D1 write", d) +
        (a.rejected ? ` | ${a.rejected} rejected` : ""),
    );
  }
}
