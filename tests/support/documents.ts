// Final PDFs are drawn by the documents queue after finalize answers (worker/jobs/documents.ts):
// tests that look at a final document, or at the events after it, wait for its hash first.
import type { ApiClient } from "./client.ts";

/** GET `path` (an invoice or a credit note) until its PDF is attached; its body then. */
export async function untilPdf(client: ApiClient, path: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const res = await client.get(path);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    if (res.body.pdfSha256) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no PDF was attached to ${path}`);
}

/** POST `<path>/finalize`, then wait for the PDF: the answer's body is the document with its hash. */
export async function finalizeWithPdf(client: ApiClient, path: string, headers?: Record<string, string>) {
  const res = await client.post(`${path}/finalize`, {}, headers);
  if (res.status !== 200) return res;
  return { ...res, body: await untilPdf(client, path) };
}
