// src/plugins/request-timeout.ts at the edges: the timer firing while an answer is already on its way
// (async onSend hooks still running), while onRequest hooks still run, and after the client left.
import net from "node:net";
import t from "tap";
import type { Test } from "tap";
import { buildApp } from "../../src/app.ts";
import { TEST_CONFIG, testDatabase } from "../helper.ts";

t.setTimeout(60_000);
const database = await testDatabase(t);
const timeouts = { requestMs: 300, connectionMs: 5_000, keepAliveMs: 1_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every line the app logs at warn or above. */
async function appWith(t: Test) {
  const logged: Array<Record<string, unknown>> = [];
  const stream = { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) };
  const app = await buildApp({ database, config: { ...TEST_CONFIG, timeouts }, logger: { level: "warn", stream } as never });
  t.teardown(() => app.close());
  return { app, logged };
}

/** The raw bytes a server sends on one connection for one request, until it closes or `ms` pass. */
function rawExchange(port: number, request: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    const done = () => resolve(text);
    socket.on("close", done);
    setTimeout(() => {
      socket.destroy();
      done();
    }, ms);
    socket.write(request);
  });
}

t.test("the timer fires while the handler's answer is in its onSend hooks: one answer, not two", async (t) => {
  const { app, logged } = await appWith(t);
  app.get("/test-only/answered-late", async () => ({ answered: true }));
  // An onSend that takes longer than the rest of the timeout (as the idempotency plugin's store does on a slow database).
  app.addHook("onSend", async (request, _reply, payload) => {
    if (request.url === "/test-only/answered-late") await sleep(500);
    return payload;
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as net.AddressInfo;
  const raw = await rawExchange(port, "GET /test-only/answered-late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2_000);
  const statusLines = raw.match(/HTTP\/1\.1 \d{3}/g) ?? [];
  t.strictSame(statusLines, ["HTTP/1.1 200"], "one answer on the wire: the handler's, ready before the timeout");
  t.notMatch(raw, /problem\+json|retry-after/i, "none of the timeout's headers over the handler's body");
  t.match(raw, /\r\n\r\n\{"answered":true\}$/, "the handler's body");
  await sleep(300);
  t.strictSame(
    logged.filter((line) => (line.level as number) >= 50).map((line) => line.msg),
    [],
    "no error logged (a second send after the answer started)",
  );
  t.equal((await app.inject("/test-only/quick-after")).statusCode, 404, "the server still answers");
});

t.test("the timer fires while an async onRequest hook still runs: one answer, no crash", async (t) => {
  const { app, logged } = await appWith(t);
  let handled = false;
  app.addHook("onRequest", async (request) => {
    if (request.url === "/test-only/slow-hook") await sleep(500);
  });
  app.get("/test-only/slow-hook", async () => {
    handled = true;
    return { handled: true };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as net.AddressInfo;
  const raw = await rawExchange(port, "GET /test-only/slow-hook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2_000);
  const statusLines = raw.match(/HTTP\/1\.1 \d{3}/g) ?? [];
  t.strictSame(statusLines, ["HTTP/1.1 503"], "one answer, the timeout's");
  await sleep(300);
  t.comment(`handler ran after the 503: ${handled}; logged: ${JSON.stringify(logged.map((line) => line.msg))}`);
  t.equal((await app.inject("/test-only/nothing")).statusCode, 404, "the server still answers");
});

t.test("a client that leaves mid-handler: nothing crashes, later requests are answered", async (t) => {
  const { app, logged } = await appWith(t);
  let ended = false;
  app.post("/test-only/slow-post", async () => {
    await sleep(600);
    ended = true;
    return { late: true };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as net.AddressInfo;
  const body = JSON.stringify({ a: 1 });
  await rawExchange(port, `POST /test-only/slow-post HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 100);
  await sleep(900);
  t.ok(ended, "the handler ran to its end");
  t.strictSame(logged.filter((line) => (line.level as number) >= 50).map((line) => line.msg), [], "no error logged");
  t.equal((await app.inject("/test-only/nothing")).statusCode, 404);
});
