// Authenticated, entity-scoped GET /customers/{id} vs a bare Hono route doing the same D1 read, in the same workerd.
import { mean, ms, percentile } from "./stats.ts";

export async function benchHttp(url: string, cookie: string, customerId: string, rounds = 400) {
  const ours = () => fetch(`${url}/api/v1/entities/acme-us/customers/${customerId}`, { headers: { cookie } });
  const bare = () => fetch(`${url}/__bare/customers/${customerId}`);
  for (let i = 0; i < 50; i++) {
    await (await ours()).arrayBuffer();
    await (await bare()).arrayBuffer();
  }
  const times = { ours: [] as number[], bare: [] as number[] };
  // Interleaved, so drift on a shared machine hits both sides alike.
  for (let i = 0; i < rounds; i++) {
    for (const [side, call] of [["ours", ours], ["bare", bare]] as const) {
      const start = performance.now();
      const res = await call();
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${side} answered ${res.status}`);
      times[side].push(performance.now() - start);
    }
  }
  const ratio = percentile(times.ours, 50) / percentile(times.bare, 50);
  console.log(
    `http: GET /customers/{id} p50 ${ms(percentile(times.ours, 50))} p95 ${ms(percentile(times.ours, 95))} mean ${ms(mean(times.ours))}` +
      ` | bare Hono + D1 p50 ${ms(percentile(times.bare, 50))} p95 ${ms(percentile(times.bare, 95))} mean ${ms(mean(times.bare))}` +
      ` | overhead ratio (p50) ${ratio.toFixed(2)}x (target <= 1.5x)`,
  );
  return { ratio };
}
