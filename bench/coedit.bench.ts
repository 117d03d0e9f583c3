// Co-editing: op acknowledgement latency with 2, 10 and 50 concurrent editors on ONE quote, and
// acknowledged batches per second, against a bare Durable Object echo in the same run.
// The editors run inside workerd (bench-worker.ts /__bench/coedit): from a single Node process, 50
// sockets that each receive every event measure the dev proxy and the client, not the room.
import { percentile, ms } from "./stats.ts";

interface Run {
  latencies: number[];
  perSecond: number;
  rejected: number;
}

export async function benchCoedit(url: string, cookie: string) {
  const headers = { cookie, origin: url, "content-type": "application/json" };
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const customer = await post<{ id: string }>("/api/v1/entities/acme-us/customers", { legalName: "Co-edit bench", email: "b@b.test", country: "US" });
  const counts = process.env.EDITORS ? process.env.EDITORS.split(",").map(Number) : [2, 10, 50];
  for (const editors of counts) {
    const quote = await post<{ id: string; rev: number }>("/api/v1/entities/acme-us/quotes", {
      customerId: customer.id,
      title: `Bench ${editors}`,
      currency: "USD",
      lines: Array.from({ length: editors }, (_, i) => ({ id: `e${i}`, priceId: "price_us_seats_monthly", quantity: "5" })),
    });
    const perEditor = Math.max(10, Math.ceil(600 / editors));
    const drive = (target: "room" | "echo" | "relay" | "durable-relay", n: number) => post<Run>("/__bench/coedit", { editors, perEditor: n, quoteId: quote.id, baseRev: quote.rev, target });
    await drive("room", 3); // warm up
    await drive("echo", 3);
    await drive("relay", 3);
    await drive("durable-relay", 3);
    const a = await drive("room", perEditor);
    const b = await drive("echo", perEditor);
    const r = await drive("relay", perEditor);
    const d = await drive("durable-relay", perEditor);
    // workerd timers advance only on I/O, so a floor with no I/O reads ~0 ms here: compare throughput.
    console.log(
      `coedit (in workerd): ${String(editors).padStart(2)} editors, ${a.latencies.length} batches on one quote — ack p50 ${ms(percentile(a.latencies, 50))} p95 ${ms(percentile(a.latencies, 95))}, ${a.perSecond.toFixed(0)} acked batches/s (target >= 200)` +
        ` | bare DO echo ${b.perSecond.toFixed(0)}/s | bare DO relay ${r.perSecond.toFixed(0)}/s | bare DO relay after one D1 write ${d.perSecond.toFixed(0)}/s p50 ${ms(percentile(d.latencies, 50))} p95 ${ms(percentile(d.latencies, 95))}, ours ${(a.perSecond / d.perSecond).toFixed(2)}x its rate` +
        (a.rejected ? ` | ${a.rejected} rejected` : ""),
    );
  }
}
