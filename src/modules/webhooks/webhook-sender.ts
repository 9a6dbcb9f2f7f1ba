import http from "node:http";
import https from "node:https";
import net from "node:net";
import { Webhook } from "standardwebhooks";
import { guardedLookup, refusedAddress } from "./webhook-targets.ts";

/** What one attempt got: a status (and the first 1 KB of the body), or an error; and how long it took. */
export type AttemptResult = { statusCode: number | null; response: string | null; error: string | null; latencyMs: number };

export const RESPONSE_KEPT_BYTES = 1024;

/**
 * Standard Webhooks headers: `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature`, one `v1,<base64
 * HMAC-SHA256 of id.timestamp.body>` per secret, space-separated (during a rotation's overlap both secrets sign).
 * Signed by the `standardwebhooks` package itself, which receivers use to verify.
 */
export function signedHeaders(secrets: readonly string[], id: string, body: string, now = new Date()): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "cluster-records-webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(id, now, body)).join(" "),
  };
}

/**
 * POSTs one delivery. node:http rather than fetch: its `lookup` option lets the connect-time address check see the
 * addresses actually connected to, and it never follows redirects (a 3xx is just a failed attempt). The whole attempt
 * (connect, send, answer, first 1 KB of the body) has `timeoutMs`.
 */
export function postDelivery(target: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, "latencyMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: latency() });
    };
    const url = new URL(target);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    // An address written in the URL is connected to without a lookup: it is checked here.
    const refused = options.allowPrivate ? null : url.protocol !== "https:" ? "refused: https required" : net.isIP(host) ? refusedAddress(host) : null;
    if (refused) return finish({ statusCode: null, response: null, error: refused.startsWith("refused") ? refused : `refused: ${refused}` });
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      lookup: guardedLookup(options.allowPrivate),
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish({ statusCode: null, response: null, error: `timed out after ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    request.on("error", (error) => finish({ statusCode: null, response: null, error: error.message.slice(0, 1000) || "connection error" }));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        finish({ statusCode: response.statusCode ?? null, response: Buffer.concat(chunks).subarray(0, RESPONSE_KEPT_BYTES).toString("utf8"), error: null });
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_KEPT_BYTES) done();
      });
      response.on("end", done);
      response.on("error", done);
    });
    request.end(body);
  });
}
