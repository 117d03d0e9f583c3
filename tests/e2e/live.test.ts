/// <reference lib="dom" />
// The web client's side of the live protocol (party/protocol.ts), driven by injecting server
// messages into the real connection: start seq, duplicates ignored, gaps filled with a new hello,
// resync refetches the page data and says hello with the given seq.
import { describe, expect, test } from "vitest";
import type { WebSocketRoute } from "playwright-core";
import {
  POLL,
  apiCall,
  uniqueName,
  waitForLive,
  useBrowser,
  customerRowNamed,
} from "./support.ts";

const { open } = useBrowser();
const rowNamed = customerRowNamed;

interface Hello {
  type: "hello";
  lastSeq: number;
}

function fakeCustomerEvent(seq: number, legalName: string) {
  const id = `cus_fake_${seq}_${Math.random().toString(36).slice(2, 8)}`;
  const at = new Date().toISOString();
  return {
    type: "event",
    seq,
    kind: "customer.created",
    subject: { type: "customer", id },
    actor: { type: "user", id: "usr_test", name: "Test" },
    at,
    data: {
      customer: {
        id,
        legalName,
        email: "fake@example.test",
        country: "US",
        currency: "USD",
        taxStatus: "TAXED",
        taxId: null,
        address: null,
        contacts: [],
        archivedAt: null,
        createdAt: at,
        updatedAt: at,
        rev: 1,
      },
    },
  };
}

describe("live protocol (client side)", () => {
  test("hello from the latest seq; duplicates ignored; a gap asks again; resync refetches", async () => {
    const { context, page } = await open("admin@acme.test");

    const hellos: Hello[] = [];
    let synced: number | null = null;
    let head: number | null = null;
    let socket: WebSocketRoute | null = null;
    await page.routeWebSocket(/\/parties\/entity-room\//, (ws) => {
      socket = ws;
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const text = String(message);
        const parsed = JSON.parse(text) as { type: string };
        if (parsed.type === "hello") {
          hellos.push(parsed as Hello);
          // The injected events' seqs exist only here: past the real head, this proxy plays the
          // server (the real one rightly answers resync to a seq it never had).
          if (head !== null && (parsed as Hello).lastSeq > head) {
            ws.send(JSON.stringify({ type: "synced", seq: (parsed as Hello).lastSeq }));
            return;
          }
        }
        server.send(text);
      });
      server.onMessage((message) => {
        const parsed = JSON.parse(String(message)) as { type: string; seq?: number };
        if (parsed.type === "synced") synced = parsed.seq ?? null;
        if (parsed.type === "synced" && head === null) head = parsed.seq ?? null;
        ws.send(message);
      });
    });

    const latest = await apiCall<{ seq: number }>(context, "GET", "/api/v1/entities/acme-us/events/latest");
    expect(latest.status).toBe(200);
    await page.goto("/acme-us/customers");
    await page.locator('[data-testid="customer-list"]').waitFor();
    await waitForLive(page);

    // A fresh page says hello with the entity's latest seq (as of page load).
    expect(hellos.length).toBeGreaterThanOrEqual(1);
    expect(hellos[0].lastSeq).toBeGreaterThanOrEqual(latest.body.seq);
    expect(synced).not.toBeNull();
    let seq = synced!;
    const inject = (message: unknown) => socket!.send(JSON.stringify(message));

    // In order: applied.
    const first = uniqueName("Injected");
    inject(fakeCustomerEvent(seq + 1, first));
    await rowNamed(page, first).waitFor();
    seq += 1;

    // A duplicate (seq already applied) is ignored; the next in-order event still applies.
    const dup = uniqueName("Duplicate");
    inject(fakeCustomerEvent(seq, dup));
    const marker = uniqueName("Marker");
    inject(fakeCustomerEvent(seq + 1, marker));
    await rowNamed(page, marker).waitFor();
    seq += 1;
    expect(await rowNamed(page, dup).count()).toBe(0);

    // A gap: not applied; the client asks for the missing events with a new hello.
    const hellosBefore = hellos.length;
    const gap = uniqueName("Gap");
    inject(fakeCustomerEvent(seq + 5, gap));
    await expect.poll(() => hellos.length, POLL).toBeGreaterThan(hellosBefore);
    expect(hellos[hellos.length - 1].lastSeq).toBe(seq);
    const after = uniqueName("After gap");
    inject(fakeCustomerEvent(seq + 1, after));
    await rowNamed(page, after).waitFor();
    seq += 1;
    expect(await rowNamed(page, gap).count()).toBe(0);

    // Resync: the page data is fetched again (the injected customers are not on the server, so
    // they disappear) and the client says hello with the seq it was given.
    const refetched = page.waitForRequest((r) => /\/api\/v1\/entities\/[^/]+\/customers(\?|$)/.test(r.url()));
    const hellosBeforeResync = hellos.length;
    inject({ type: "resync", seq: seq + 10 });
    await refetched;
    await rowNamed(page, first).waitFor({ state: "detached" });
    await expect.poll(() => hellos.length, POLL).toBeGreaterThan(hellosBeforeResync);
    expect(hellos[hellos.length - 1].lastSeq).toBe(seq + 10);
  });
});
