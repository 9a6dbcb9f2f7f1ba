// Issue 9, defect 10 and deliverable 5: shutdown drains. On SIGTERM the real server process answers /health/ready
// with 503 at once, keeps serving for the drain delay, then stops accepting, lets the request in flight finish,
// answers a request arriving on a kept-alive connection with a problem 503 and Connection: close, and exits 0.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import t from "tap";
import { sleep } from "../expect.ts";

const root = path.resolve(import.meta.dirname, "../..");
const DRAIN_MS = 1500;

t.setTimeout(180_000);

/** One HTTP/1.1 exchange on a socket that stays open (keep-alive); resolves with the raw answer. */
function exchange(socket: net.Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.readableEnded || !socket.writable) return resolve("closed");
    let received = "";
    const onData = (chunk: Buffer) => {
      received += chunk.toString("utf8");
      const [head, body = ""] = received.split("\r\n\r\n");
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head ?? "")?.[1] ?? NaN);
      if (head !== undefined && received.includes("\r\n\r\n") && Buffer.byteLength(body) >= length) {
        socket.off("data", onData);
        resolve(received);
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", () => resolve(received === "" ? "closed" : received));
    socket.write(request);
  });
}

const connect = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });

t.test("SIGTERM: ready turns 503, serving goes on for the drain delay, in-flight work finishes, exit 0", async (t) => {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: "",
      DATA_DIR: "memory://",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: "20000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => void child.kill("SIGKILL"));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const started = new Promise<{ port: number; key: string }>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const port = /API docs: http:\/\/127\.0\.0\.1:(\d+)\/docs/.exec(stdout)?.[1];
      const key = /Demo admin key \(shown once; press Authorize in \/docs\): (\S+)/.exec(stdout)?.[1];
      if (port && key) resolve({ port: Number(port), key });
    });
    child.on("exit", (code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
  });
  const { port, key } = await started;

  // A slow upload: the request is in flight (its body half sent) when SIGTERM arrives.
  const body = JSON.stringify({ name: "Wysłany w trakcie zamykania Sp. z o.o.", legalForm: "limited_liability_company" });
  const uploading = await connect(port);
  const created = new Promise<string>((resolve) => {
    let received = "";
    uploading.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      if (/\r\n\r\n[\s\S]*\}$/.test(received) && received.includes("HTTP/1.1 201")) resolve(received);
    });
  });
  uploading.write(
    `POST /v1/coordinators HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`,
  );
  // A kept-alive connection, used once before SIGTERM and once after the server stopped accepting.
  const keptAlive = await connect(port);
  t.match(await exchange(keptAlive, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 200 /);

  child.kill("SIGTERM");
  await sleep(200);

  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
  t.equal(ready.status, 503, "readiness fails at once");
  const readyProblem = (await ready.json()) as { code: string };
  t.equal(readyProblem.code, "shutting_down");
  t.ok(ready.headers.get("retry-after"));
  const live = await fetch(`http://127.0.0.1:${port}/health/live`);
  t.equal(live.status, 200, "everything else is still served during the drain delay");
  t.equal(live.headers.get("connection"), "close", "telling kept-alive clients to reconnect");

  // After the drain delay the server stops accepting new connections.
  let refused = false;
  for (let i = 0; i < 100 && !refused; i++) {
    await sleep(100);
    refused = await connect(port).then(
      (socket) => (socket.destroy(), false),
      () => true,
    );
  }
  t.ok(refused, "new connections are refused after the drain delay");

  // The request in flight on the upload connection finishes; the next one on it is told the instance is closing.
  uploading.write(body.slice(5));
  const answer = await created;
  t.match(answer, /^HTTP\/1\.1 201 /, "the in-flight request finished");
  t.match(answer, /\r\nconnection: close\r\n/i);

  const closingAnswer = await exchange(keptAlive, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").catch((error: Error) => `error: ${error.message}`);
  // The kept-alive connection was idle when the server closed: it is either closed (and the client reconnects) or,
  // if the request raced the close, answered with the problem; never reset mid-answer.
  t.notMatch(closingAnswer, /^error/, "not reset");
  if (closingAnswer.startsWith("HTTP/")) {
    t.match(closingAnswer, /^HTTP\/1\.1 503 /);
    t.match(closingAnswer, /\r\ncontent-type: application\/problem\+json/i);
    t.match(closingAnswer, /\r\nconnection: close\r\n/i);
    t.match(closingAnswer, /"code":"shutting_down"/);
  }

  const { code, signal } = await exited;
  t.equal(signal, null);
  t.equal(code, 0, `exit code 0 (stderr: ${stderr})`);
});

t.test("a request on a kept-alive connection while the app closes is a problem 503 shutting_down with Connection: close", async (t) => {
  const { buildApp } = await import("../../src/app.ts");
  const { TEST_CONFIG, testDatabase } = await import("../helper.ts");
  const app = await buildApp({ database: await testDatabase(t), config: TEST_CONFIG });
  let answer = "";
  let socket: net.Socket | undefined;
  // Runs after the lifecycle plugin's own preClose hook, before the server stops listening: the app is closing.
  app.addHook("preClose", async () => {
    answer = await exchange(socket!, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  socket = await connect((app.server.address() as net.AddressInfo).port);
  t.match(await exchange(socket, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 200 /, "kept alive");
  t.equal(app.lifecycle.closing, false);
  await app.close();
  t.match(answer, /^HTTP\/1\.1 503 /, answer);
  t.match(answer, /\r\nconnection: close\r\n/i);
  t.match(answer, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
  t.match(answer, /\r\nx-request-id: [\w-]+\r\n/i, "with a request id");
  t.match(answer, /\r\nx-content-type-options: nosniff\r\n/i, "and the security headers");
  t.match(answer, /\r\nretry-after: \d+\r\n/i);
  t.match(answer, /"code":"shutting_down"/);
});
