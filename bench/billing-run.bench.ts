// A billing run of 1,000 and of 10,000 ACTIVE schedules in one entity (acme-de), through the real API
// and the real queue: invoices per second from POST /billing-runs to COMPLETED, against a floor measured
// in the same run on the same rows — bare D1 inserts of the invoices (and lines) the run created, in the
// same batch sizes (bench/billing-run-floor.ts). Target: ≥ 0.5× the floor. It also checks completion:
// every seeded schedule got its one invoice, and the run counts them.
export async function benchBillingRun(url: string, cookie: string) {
  const headers = { cookie, origin: url, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const scenarios = [
    { prefix: "k1", count: 1_000, asOf: "2041-01-01" },
    { prefix: "k10", count: 10_000, asOf: "2042-01-01" },
  ];
  for (const { prefix, count, asOf } of scenarios) {
    await post("/__bench/billing-seed", { prefix, count, startDate: asOf });
    const started = performance.now();
    const run = await post("/api/v1/entities/acme-de/billing-runs", { asOf });
    let state = run;
    let polls = 0;
    while (state.status === "RUNNING") {
      await new Promise((resolve) => setTimeout(resolve, 25));
      state = await (await fetch(`${url}/api/v1/entities/acme-de/billing-runs/${run.id}`, { headers })).json();
      if (++polls > 20 * 60 * 40) throw new Error(`billing run ${run.id} still RUNNING after 20 minutes`);
    }
    const seconds = (performance.now() - started) / 1000;
    const mine = (state.invoiceIds ?? []).length;
    const floor = await post("/__bare/billing-floor", { runId: run.id });
    const ours = state.invoicesCreated / seconds;
    const bare = floor.invoices / (floor.ms / 1000);
    const complete = state.status === "COMPLETED" && state.invoicesCreated >= count && mine === state.invoicesCreated && state.chunksDone === state.chunksTotal;
    console.log(
      `billing-run: ${count} schedules: ${state.status}, ${state.invoicesCreated} invoices (expected ≥ ${count}: ${complete ? "complete" : "INCOMPLETE"}) in ${seconds.toFixed(2)}s over ${state.chunksTotal} chunks` +
        ` = ${ours.toFixed(0)} invoices/s | floor (bare inserts of the same ${floor.invoices} invoices + ${floor.lines} lines, ${floor.perBatch} invoices per batch) ${bare.toFixed(0)} invoices/s in ${(floor.ms / 1000).toFixed(2)}s` +
        ` | ratio ${(ours / bare).toFixed(2)}x (target >= 0.5x)` +
        ` | same-shape floor (tables with the real keys and indexes) ${(floor.invoices / (floor.shapedMs / 1000)).toFixed(0)} invoices/s, ratio ${(ours / (floor.invoices / (floor.shapedMs / 1000))).toFixed(2)}x` +
        ` | all-rows floor (also each invoice's ${floor.events === floor.invoices && floor.auditRows === floor.invoices ? "event and audit row" : `event (${floor.events}) and audit row (${floor.auditRows})`}) ${(floor.invoices / (floor.allRowsMs / 1000)).toFixed(0)} invoices/s, ratio ${(ours / (floor.invoices / (floor.allRowsMs / 1000))).toFixed(2)}x`,
    );
  }
}
