import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import t from "tap";
import { openDatabase } from "../../../src/db/database.ts";
import { createPostgresDatabase, usingPostgres } from "../../helper.ts";
import { assertEachAttemptOnce, startReceiver, until, webhookApp } from "../../fixtures/webhooks.ts";

// `npm run worker` processes on one PostgreSQL database (the embedded database belongs to a single process).
if (!usingPostgres) {
  t.pass("worker processes need PostgreSQL (TEST_DATABASE_URL)");
} else {
  // Each worker process compiles the service with tsx as it starts: slow on a busy machine.
  t.setTimeout(300_000);
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  const db = await openDatabase({ kind: "postgres", url, poolSize: 5 });
  await db.migrate();
  t.teardown(async () => {
    await db.close();
    await drop();
  });
  const app = await webhookApp(t, db, { deliverInProcess: false, allowPrivateTargets: true });
  const root = path.resolve(import.meta.dirname, "../../..");

  const workers: ChildProcess[] = [];
  const logs = new Map<ChildProcess, string[]>();
  t.teardown(() => workers.forEach((worker) => worker.exitCode === null && worker.kill("SIGKILL")));
  /**
   * What `npm run worker` runs, with fast polling. The attempt timeout sets the lease (the timeout plus 5 s or more): short to see a
   * killed worker's lease run out, long enough elsewhere that a worker starved by a busy machine keeps its lease.
   */
  const startWorker = (attemptTimeoutMs = 10_000, extraEnv: Record<string, string> = {}) => {
    const worker = spawn(process.execPath, ["--import=tsx", "src/bin/worker.ts"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: url,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
        WEBHOOK_POLL_INTERVAL_MS: "50",
        WEBHOOK_ATTEMPT_TIMEOUT_MS: String(attemptTimeoutMs),
        LOG_LEVEL: "warn",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Its log, to show when it did not run to the end.
    const output: string[] = [];
    worker.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    worker.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    logs.set(worker, output);
    workers.push(worker);
    return worker;
  };
  const subscribe = async (target: string, eventTypes: string[]) => {
    await db.prisma.webhookSubscription.deleteMany({});
    const res = await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: target, eventTypes } });
    return res.json() as { id: string };
  };

  t.test("a worker killed mid-delivery: the attempt is delivered again by another", async (t) => {
    // The first request is never answered: its worker is killed while it waits.
    const receiver = await startReceiver(t, (_request, n) => (n === 0 ? { status: 200, delayMs: 60_000 } : { status: 200 }));
    const { id } = await subscribe(receiver.url, ["coordinator.created"]);
    const first = startWorker(1_000);
    await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Przerwany" } });
    await receiver.waitFor(1);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const second = startWorker(1_000);
    await receiver.waitFor(2);
    t.equal(receiver.received[1]!.headers["webhook-id"], receiver.received[0]!.headers["webhook-id"], "the same event, again");
    const delivery = await until(() => db.prisma.webhookDelivery.findFirst({ where: { subscriptionId: id, status: "succeeded" }, include: { attemptLog: true } }));
    t.equal(delivery.attemptLog.length, 1, "the killed worker's attempt was never recorded; the second was");
    t.equal(delivery.attemptLog[0]!.statusCode, 200);
    second.kill("SIGTERM");
    await new Promise((resolve) => second.once("exit", resolve));
  });

  t.test("a worker serves its own metrics on WEBHOOK_WORKER_METRICS_PORT", async (t) => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const receiver = await startReceiver(t);
    await subscribe(receiver.url, ["coordinator.created"]);
    const worker = startWorker(10_000, { WEBHOOK_WORKER_METRICS_PORT: String(port), HOST: "127.0.0.1" });
    await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Policzony" } });
    await receiver.waitFor(1);
    const metrics = await until(async () => {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((res) => res.text(), () => "");
      return /^webhook_deliveries_total\{outcome="success"\} 1$/m.test(text) ? text : null;
    });
    t.match(metrics, /^webhook_attempt_duration_seconds_count 1$/m, "the attempt's latency");
    t.match(metrics, /^webhook_oldest_undelivered_event_age_seconds \d/m, "the backlog, from the database");
    t.match(metrics, /^process_cpu_seconds_total \d/m, "the process's own series");
    const other = await fetch(`http://127.0.0.1:${port}/other`);
    t.equal(other.status, 404);
    t.equal(other.headers.get("content-type"), "application/problem+json", "a problem, as the service answers");
    t.match(await other.json(), { type: "/problems/not_found", status: 404, code: "not_found", detail: "There is nothing at GET /other." });
    const head = await fetch(`http://127.0.0.1:${port}/metrics`, { method: "HEAD" });
    t.equal(head.status, 200, "HEAD /metrics, as the service answers it");
    t.equal(await head.text(), "", "without a body");
    // A scraper that has connected and not finished its request (or sent nothing yet) must not hold the shutdown: Node's
    // server.close() waits for such a socket (up to headersTimeout, 60 s), longer than close-with-grace's delay.
    const held = net.connect(port, "127.0.0.1");
    t.teardown(() => held.destroy());
    await new Promise((resolve) => held.once("connect", resolve));
    held.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    held.on("error", () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    worker.kill("SIGTERM");
    await new Promise((resolve) => worker.once("exit", resolve));
    // Held up by the unfinished scrape, close-with-grace would end it by its timeout: exit 1.
    t.equal(worker.exitCode, 0, "it stops cleanly without waiting for the unfinished scrape", { log: logs.get(worker)!.join("") });
  });

  t.test("a metrics port the worker cannot have: one line on stderr, exit 1", async (t) => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    t.teardown(() => new Promise((resolve) => taken.close(resolve)));
    const { port } = taken.address() as net.AddressInfo;
    const worker = startWorker(10_000, { WEBHOOK_WORKER_METRICS_PORT: String(port), HOST: "127.0.0.1" });
    let stderr = "";
    worker.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => worker.once("exit", resolve));
    t.equal(worker.exitCode, 1, "exit 1", { log: logs.get(worker)!.join("") });
    t.equal(stderr, `error: cannot serve metrics on 127.0.0.1:${port}: EADDRINUSE\n`, "one line, no stack trace");
  });

  t.test("two worker processes on one database deliver each attempt once", async (t) => {
    const receiver = await startReceiver(t);
    await subscribe(receiver.url, ["cluster.created"]);
    startWorker();
    startWorker();
    const count = 15;
    const coordinator = (await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator Klastrów" } })).json();
    for (let i = 0; i < count; i++) {
      const res = await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: `Klaster ${i}`, coordinatorId: coordinator.id } });
      t.equal(res.statusCode, 201, res.body);
    }
    await receiver.waitFor(count);
    await until(async () => (await db.prisma.webhookDelivery.count({ where: { eventType: "cluster.created", status: "pending" } })) === 0);
    await assertEachAttemptOnce(t, db.prisma, receiver.received, "cluster.created", count);
    const both = workers.slice(-2);
    t.same(
      both.map((worker) => [worker.exitCode, worker.signalCode]),
      [
        [null, null],
        [null, null],
      ],
      "both workers still run",
      { logs: both.map((worker) => logs.get(worker)!.join("")) },
    );
  });
}
