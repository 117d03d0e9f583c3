// Invoice finalization under 30 concurrent requests (issue 12, "Measured"): every one answers 200 with
// its own number, the numbers are gapless, and p50/p95 are held against a bare guarded counter
// increment (bench-worker.ts /__bare/invoices/:id/finalize) at the same concurrency in the same run.
// Ours also snapshots both parties and draws, stores and records the PDF — what "final" means. Beside it,
// the same increment behind the caller's session check and a read of the draft (/authed-finalize): the
// round trips any authenticated finalize makes, with nothing else.
import { ms, percentile } from "./stats.ts";

const ENTITY = "/api/v1/entities/acme-us";
const CONCURRENCY = 30;

export async function benchFinalize(url: string, cookie: string, customerId: string, rounds = 4) {
  const headers = { cookie, origin: url, "content-type": "application/json" };
  const post = (path: string, body: unknown = {}) => fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const drafts = async () =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, i) => {
        const res = await post(`${ENTITY}/invoices`, { customerId, currency: "USD", lines: [{ title: `Bench services ${i}`, quantity: "3", rate: "125.50" }, { title: "Bench licence", quantity: "1", rate: "990.00" }] });
        if (res.status !== 201) throw new Error(`invoice create answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      }),
    );
  const burst = async (paths: string[]) => {
    const times: number[] = [];
    const bodies = await Promise.all(
      paths.map(async (path) => {
        const start = performance.now();
        const res = await post(path);
        const body = (await res.json()) as { invoiceNumber?: string; number?: number; pdfSha256?: string | null };
        times.push(performance.now() - start);
        return { status: res.status, body };
      }),
    );
    return { times, bodies };
  };
  const ours: number[] = [];
  const bare: number[] = [];
  const authed: number[] = [];
  const numbers: string[] = [];
  let failed = 0;
  const attachedAfter: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    const ids = await drafts();
    const started = performance.now();
    const a = await burst(ids.map((id) => `${ENTITY}/invoices/${id}/finalize`));
    // The PDFs are drawn by the documents queue: how long until all 30 carry their hash.
    for (const id of ids) {
      for (;;) {
        const res = await fetch(`${url}${ENTITY}/invoices/${id}`, { headers });
        if (((await res.json()) as { pdfSha256: string | null }).pdfSha256) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const allAttached = performance.now() - started;
    const bareIds = ((await (await post("/__bare/invoices", { n: CONCURRENCY })).json()) as { ids: string[] }).ids;
    const b = await burst(bareIds.map((id) => `/__bare/invoices/${id}/finalize`));
    const authedIds = ((await (await post("/__bare/invoices", { n: CONCURRENCY })).json()) as { ids: string[] }).ids;
    const w = await burst(authedIds.map((id) => `/__bare/invoices/${id}/authed-finalize`));
    failed += [...a.bodies, ...b.bodies, ...w.bodies].filter((x) => x.status !== 200).length;
    if (r === 0) continue; // warm-up
    ours.push(...a.times);
    bare.push(...b.times);
    authed.push(...w.times);
    numbers.push(...a.bodies.map((x) => x.body.invoiceNumber ?? ""));
    attachedAfter.push(allAttached);
  }
  const seqs = numbers.map((n) => Number(/(\d+)$/.exec(n)?.[1] ?? NaN)).sort((x, y) => x - y);
  const gapless = seqs.every((n, i) => i === 0 || n === seqs[i - 1] + 1) && new Set(seqs).size === seqs.length;
  console.log(
    `finalize: ${CONCURRENCY} concurrent × ${rounds}: ${failed === 0 ? "all 200" : `${failed} FAILED`}, ${numbers.length} numbers ${gapless ? "distinct and gapless" : "NOT GAPLESS"}, all ${CONCURRENCY} PDFs attached by the documents queue within p50 ${ms(percentile(attachedAfter, 50))} of the burst's start` +
      ` | p50 ${ms(percentile(ours, 50))} p95 ${ms(percentile(ours, 95))} | bare guarded counter increment p50 ${ms(percentile(bare, 50))} p95 ${ms(percentile(bare, 95))}` +
      ` | ratio p50 ${(percentile(ours, 50) / percentile(bare, 50)).toFixed(2)}x p95 ${(percentile(ours, 95) / percentile(bare, 95)).toFixed(2)}x (target <= 2x)`,
  );
  console.log(
    `finalize: bare authenticated read + guarded counter increment p50 ${ms(percentile(authed, 50))} p95 ${ms(percentile(authed, 95))}` +
      ` = ${(percentile(authed, 50) / percentile(bare, 50)).toFixed(2)}x the bare increment at p50 | finalize against it: p50 ${(percentile(ours, 50) / percentile(authed, 50)).toFixed(2)}x p95 ${(percentile(ours, 95) / percentile(authed, 95)).toFixed(2)}x`,
  );
  if (failed || !gapless) throw new Error("finalize bench: not every finalization got its own gapless number");
}
