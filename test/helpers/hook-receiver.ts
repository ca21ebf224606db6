// A webhook receiver on 127.0.0.1 for tests: records every delivery (raw body and headers) in
// arrival order and answers with the status a test chooses. `close()` stops it.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The body exactly as sent (what a signature covers). */
  body: string;
  event: string;
  guid: string;
  payload: Record<string, unknown>;
}

export interface HookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Chooses each answer's status (default 200); may wait before answering. */
  answer(decide: (delivery: ReceivedDelivery, index: number) => number | Promise<number>): void;
  /** `event` or `event.action` of each delivery, in arrival order. */
  names(): string[];
  close(): Promise<void>;
}

export async function startHookReceiver(): Promise<HookReceiver> {
  const received: ReceivedDelivery[] = [];
  let decide: (delivery: ReceivedDelivery, index: number) => number | Promise<number> = () => 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const type = String(req.headers["content-type"] ?? "");
      const json = type.startsWith("application/x-www-form-urlencoded")
        ? (new URLSearchParams(body).get("payload") ?? "{}")
        : body;
      const delivery: ReceivedDelivery = {
        headers: req.headers,
        body,
        event: String(req.headers["x-github-event"] ?? ""),
        guid: String(req.headers["x-github-delivery"] ?? ""),
        payload: JSON.parse(json) as Record<string, unknown>,
      };
      const index = received.push(delivery) - 1;
      void Promise.resolve(decide(delivery, index)).then((status) => {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(status < 300 ? "thanks" : "nope");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer(next) {
      decide = next;
    },
    names: () =>
      received.map((d) =>
        typeof d.payload.action === "string" ? `${d.event}.${d.payload.action}` : d.event,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
