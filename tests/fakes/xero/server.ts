// The Xero fake over node:http, as `npm start` serves it (http://127.0.0.1:8790, XERO_FAKE_PORT overrides it).
import { createServer, type Server } from "node:http";
import { createXeroFake, type XeroFake, type XeroFakeOptions } from "./index.ts";

export const DEFAULT_XERO_FAKE_PORT = 8790;

export function serveXeroFake(port: number, options: XeroFakeOptions = {}): Promise<{ server: Server; fake: XeroFake; url: string }> {
  const fake = createXeroFake(options);
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const response = await fake.fetch(new Request(`http://${req.headers.host ?? `127.0.0.1:${port}`}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, fake, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}` });
    });
  });
}

if (import.meta.main) {
  const port = Number(process.env.XERO_FAKE_PORT ?? DEFAULT_XERO_FAKE_PORT);
  const { url } = await serveXeroFake(port);
  console.log(`[xero-fake] listening on ${url}`);
}
