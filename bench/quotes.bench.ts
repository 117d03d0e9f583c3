// Quote creation under 10, 50 and 100 concurrent requests: every one must succeed (numbers are
// claimed in the batch, never refused), and p95 is held against a bare guarded, numbered insert
// (bench-worker.ts /__bare/quotes) at the same concurrency in the same run.
import { ms, percentile } from "./stats.ts";

export async function benchQuotes(url: string, cookie: string, customerId: string) {
  const headers = { cookie, origin: url, "content-type": "application/json" };
  const ours = (i: number) =>
    fetch(`${url}/api/v1/entities/acme-us/quotes`, {
      method: "POST",
      headers,
      body: JSON.stringify({ customerId, title: `Bench ${i}`, currency: "USD", lines: [{ priceId: "price_us_platform_monthly", quantity: "1" }] }),
    });
  const bare = (i: number) => fetch(`${url}/__bare/quotes`, { method: "POST", headers, body: JSON.stringify({ title: `Bench ${i}` }) });
  const burst = async (call: (i: number) => Promise<Response>, n: number) => {
    const times: number[] = [];
    const statuses = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const start = performance.now();
        const res = await call(i);
        await res.arrayBuffer();
        times.push(performance.now() - start);
        return res.status;
      }),
    );
    return { times, failed: statuses.filter((s) => s !== 201).length };
  };
  for (let i = 0; i < 3; i++) {
    await burst(ours, 10);
    await burst(bare, 10);
  }
  for (const n of [10, 50, 100]) {
    const rounds = n === 100 ? 3 : 5;
    const times = { ours: [] as number[], bare: [] as number[] };
    let failed = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await burst(ours, n);
      const b = await burst(bare, n);
      times.ours.push(...a.times);
      times.bare.push(...b.times);
      failed += a.failed + b.failed;
    }
    const ratio = percentile(times.ours, 95) / percentile(times.bare, 95);
    console.log(
      `quotes: ${n} concurrent creations × ${rounds}: ${failed === 0 ? "all 201" : `${failed} FAILED`}; p50 ${ms(percentile(times.ours, 50))} p95 ${ms(percentile(times.ours, 95))}` +
        ` | bare guarded numbered insert p50 ${ms(percentile(times.bare, 50))} p95 ${ms(percentile(times.bare, 95))} | ratio (p95) ${ratio.toFixed(2)}x (target <= 2x)`,
    );
  }
}
