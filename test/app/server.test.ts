// src/server.ts as a real process: start-up failures are one `error:` line on stderr and exit code 1; a good start
// on an empty DATA_DIR migrates, loads the demo data once, serves, and stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import fs from "node:fs";
import os from "node:os";
import t from "tap";
import type { Test } from "tap";
import { ConfigError, loadConfig } from "../../src/config.ts";

const root = path.resolve(import.meta.dirname, "../..");
const START_TIMEOUT = 90_000;

// Each start is a fresh Node process loading TypeScript through tsx plus Prisma and PGlite: a few seconds alone,
// much more on a busy machine. Tell the runner this file needs more than the default per-file timeout.
t.setTimeout(300_000);

/**
 * An empty folder for DATA_DIR, unique to this run. (Not t.testdir(): its path is fixed per test name, so two runs of
 * this file at once would wipe and share one PGlite folder.)
 */
function tempDataDir(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-records-server-test-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, "data"));
  return path.join(dir, "data");
}

type Server = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForStdout: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
};

/** The environment a user would have: ours without anything that configures the server, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    "DATABASE_URL",
    "DATABASE_POOL_SIZE",
    "DATA_DIR",
    "PORT",
    "HOST",
    "LOG_LEVEL",
    "MIGRATE_ON_START",
    "SEED_DEMO_DATA",
    "BODY_LIMIT",
    "TRUST_PROXY",
    "REDIS_URL",
    "CORS_ORIGINS",
    "NODE_ENV",
    "NODE_OPTIONS",
  ]) {
    delete base[name];
  }
  return { ...base, HOST: "127.0.0.1", ...env };
}

function startServer(t: Test, env: Record<string, string>): Server {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], { cwd: root, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    listeners.forEach((listener) => listener());
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => {
      done = true;
      resolve({ code, signal });
      listeners.forEach((listener) => listener());
    });
  });
  t.teardown(async () => {
    if (!done) {
      child.kill("SIGKILL");
      await exited;
    }
  });

  const waitForStdout = (pattern: RegExp, timeoutMs = START_TIMEOUT) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        } else if (done) {
          cleanup();
          reject(new Error(`the server exited before printing ${pattern}; stdout: ${stdout}\nstderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return { child, stdout: () => stdout, stderr: () => stderr, exited, waitForStdout };
}

/** Runs `npm run keys:create` (its script, as npm would) with `args` in the user's environment plus `env`. */
function runCli(env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/bin/create-api-key.ts", ...args], { cwd: root, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Runs a start that must fail; asserts exit code 1 and exactly one `error:` line, and returns that line. */
async function expectStartFailure(t: Test, env: Record<string, string>): Promise<string> {
  const server = startServer(t, env);
  const { code, signal } = await server.exited;
  const stderr = server.stderr();
  t.equal(code, 1, `exit code 1 (stderr: ${stderr})`);
  t.equal(signal, null);
  t.ok(stderr.endsWith("\n"), "the line ends with a newline");
  const lines = stderr.split("\n").slice(0, -1);
  t.equal(lines.length, 1, `exactly one line on stderr, got: ${JSON.stringify(stderr)}`);
  const line = lines[0] ?? "";
  t.match(line, /^error: \S/, "it starts with 'error:'");
  t.notMatch(stderr, /\n\s+at /, "no stack trace");
  t.notMatch(server.stdout(), /API docs/, "it never listened");
  return line;
}

/** The committed migrations, in the order they apply. */
const migrationNames = () =>
  fs
    .readdirSync(path.join(root, "prisma/migrations"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

const docsUrl = /API docs: http:\/\/([^\s/:]+):(\d+)\/docs\n/;
const demoKeyLine = /Demo admin key \(shown once; press Authorize in \/docs\): (crk_[a-z0-9]{8}_[A-Za-z0-9_-]{40,})\n/;
const withKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

t.test("the configuration names each bad variable (in-process, the same code the server runs first)", async (t) => {
  for (const [env, name] of [
    [{ PORT: "-1" }, "PORT"],
    [{ PORT: "80.5" }, "PORT"],
    [{ DATABASE_URL: "postgresql://127.0.0.1:5432" }, "DATABASE_URL"],
    [{ DATABASE_URL: "http://example.com/db" }, "DATABASE_URL"],
    [{ BODY_LIMIT: "0" }, "BODY_LIMIT"],
    [{ MIGRATE_ON_START: "maybe" }, "MIGRATE_ON_START"],
    // A statement (after waiting for a connection) must end before the request times out.
    [{ DATABASE_STATEMENT_TIMEOUT_MS: "28000" }, "DATABASE_STATEMENT_TIMEOUT_MS"],
    [{ REQUEST_TIMEOUT_MS: "5000", DATABASE_STATEMENT_TIMEOUT_MS: "10000" }, "DATABASE_STATEMENT_TIMEOUT_MS"],
    [{ DATABASE_POOL_TIMEOUT_MS: "0" }, "DATABASE_POOL_TIMEOUT_MS"],
    [{ PUBLIC_BASE_URL: "api.example.com" }, "PUBLIC_BASE_URL"],
    [{ SHUTDOWN_DRAIN_DELAY_MS: "-1" }, "SHUTDOWN_DRAIN_DELAY_MS"],
    [{ SHUTDOWN_TIMEOUT_MS: "0" }, "SHUTDOWN_TIMEOUT_MS"],
    [{ PUBLIC_BASE_URL: "https://api.example.com/?x=1" }, "PUBLIC_BASE_URL"],
  ] as const) {
    const error = (() => {
      try {
        loadConfig(env);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    t.ok(error instanceof ConfigError, `${JSON.stringify(env)} is rejected`);
    const message = (error as Error | undefined)?.message ?? "";
    t.match(message, new RegExp(`\\b${name}\\b`), message);
    t.notMatch(message, /\n/, "one line");
  }
  const defaults = loadConfig({ DATA_DIR: "memory://" });
  t.equal(defaults.port, 3000);
  t.equal(defaults.host, "127.0.0.1");
  t.same(defaults.database, { kind: "pglite", dataDir: "memory://", statementTimeoutMs: 10_000 });
  t.same(loadConfig({ DATABASE_URL: "postgresql://u@db:5432/x" }).database, {
    kind: "postgres",
    url: "postgresql://u@db:5432/x",
    poolSize: 10,
    statementTimeoutMs: 10_000,
    poolTimeoutMs: 2_000,
  });
  t.equal(loadConfig({ PUBLIC_BASE_URL: "https://api.example.com/klastry/" }).publicBaseUrl, "https://api.example.com/klastry", "no trailing slash");
  t.equal(defaults.publicBaseUrl, undefined, "unset: links are relative");
  t.same(defaults.shutdown, { drainDelayMs: 5000, timeoutMs: 35_000 });
  t.same(loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: "0", SHUTDOWN_TIMEOUT_MS: "1000" }).shutdown, { drainDelayMs: 0, timeoutMs: 1000 }, "no drain");
  t.same(
    loadConfig({ DATABASE_URL: "postgresql://u@db:5432/x", REQUEST_TIMEOUT_MS: "6000" }).database,
    { kind: "postgres", url: "postgresql://u@db:5432/x", poolSize: 10, statementTimeoutMs: 2000, poolTimeoutMs: 600 },
    "unset database timeouts shrink to fit a short request timeout",
  );
  t.equal(loadConfig({ PORT: "0" }).port, 0, "PORT=0 means any free port");
  t.equal(loadConfig({ PORT: "" }).port, 3000, "an empty PORT is unset, not 0 (a random port)");
  t.equal(loadConfig({ PORT: "8080" }).port, 8080);
});

// The failing starts are independent: they run at the same time, to keep this file well inside tap's timeout.
t.test("start-up failures are one line on stderr and exit code 1", async (t) => {
  const dataDir = tempDataDir(t);
  const cases: Array<{ env: Record<string, string>; line: RegExp; not?: RegExp }> = [
    ...["abc", "70000"].map((port) => ({ env: { PORT: port }, line: /\bPORT\b/, not: /DATABASE_URL|DATA_DIR/ })),
    ...["not-a-url", "mysql://root@127.0.0.1:3306/x"].map((url) => ({
      env: { PORT: "0", DATABASE_URL: url },
      line: /\bDATABASE_URL\b/,
      not: /\bPORT\b/,
    })),
    // Nothing listens on port 1: the probe connection fails at once. The password must not be shown.
    { env: { PORT: "0", DATABASE_URL: "postgresql://postgres:s3cret-pass@127.0.0.1:1/x" }, line: /^error: cannot connect\b.*127\.0\.0\.1:1\/x/, not: /s3cret-pass/ },
    // Redis for shared rate limits must answer at start-up; its password is not shown either.
    { env: { PORT: "0", SEED_DEMO_DATA: "false", REDIS_URL: "redis://:s3cret-pass@127.0.0.1:1" }, line: /^error: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/, not: /s3cret-pass/ },
    { env: { PORT: "0", REDIS_URL: "http://127.0.0.1:6379" }, line: /\bREDIS_URL\b/ },
    { env: { PORT: "0", CORS_ORIGINS: "https://app.example.com/path" }, line: /\bCORS_ORIGINS\b/ },
  ];
  t.jobs = cases.length;
  await Promise.all(
    cases.map((c) =>
      t.test(`start with ${JSON.stringify(c.env)}`, async (t) => {
        const line = await expectStartFailure(t, { DATA_DIR: dataDir, ...c.env });
        t.match(line, c.line, line);
        if (c.not) t.notMatch(line, c.not, "and nothing else");
      }),
    ),
  );
});

t.test("a good start on an empty DATA_DIR, and a second one", async (t) => {
  t.setTimeout(180_000);
  const dataDir = tempDataDir(t);

  const first = startServer(t, { PORT: "0", DATA_DIR: dataDir });
  const [, host, port] = await first.waitForStdout(docsUrl);
  t.equal(host, "127.0.0.1");
  t.ok(Number(port) > 0, `listening on port ${port}`);
  t.ok(first.stdout().includes(`applied migrations: ${migrationNames().join(", ")}\n`), "it applied every migration to the new database");
  t.match(first.stdout(), /loaded the demo data \(created 1 coordinator, 1 cluster\b/, "it loaded the demo data");
  const [, demoKey] = await first.waitForStdout(demoKeyLine, 5_000);
  t.ok(demoKey, "it printed a demo admin key next to the docs URL");
  t.equal(first.stdout().split(demoKey!).length, 2, "the key is printed once");
  const base = `http://127.0.0.1:${port}`;

  const docs = await fetch(`${base}/docs`);
  t.equal(docs.status, 200);
  t.match(docs.headers.get("content-type"), /^text\/html/);

  const ready = await fetch(`${base}/health/ready`);
  t.equal(ready.status, 200);
  t.same(await ready.json(), { status: "ok", database: "pglite" });

  const anonymous = await fetch(`${base}/v1/clusters`);
  t.equal(anonymous.status, 401, "the API needs a key");
  t.equal(anonymous.headers.get("www-authenticate"), 'Bearer realm="cluster-records"');

  const clusters = await fetch(`${base}/v1/clusters?include=coordinator`, withKey(demoKey!));
  t.equal(clusters.status, 200);
  const page = (await clusters.json()) as { data: Array<{ shortName: string; name: string; coordinator: { name: string } }> };
  t.equal(page.data.length, 1);
  t.equal(page.data[0]?.shortName, "LTPP");
  t.equal(page.data[0]?.name, "Klaster LTPP");
  t.equal(page.data[0]?.coordinator.name, "Zarząd Nadbałtyckich Inicjatyw Klastrowych Sp. z o.o.");

  // The demo key is an admin key: it may list the keys, and is the only one.
  const keys = await fetch(`${base}/v1/api-keys`, withKey(demoKey!));
  t.equal(keys.status, 200);
  const keyPage = (await keys.json()) as { data: Array<{ name: string; role: string; prefix: string }> };
  t.same(
    keyPage.data.map((key) => [key.name, key.role, key.prefix]),
    [["demo admin key", "admin", demoKey!.slice(4, 12)]],
  );

  // A second process on the same data folder while the first runs is refused (PGlite is single-process).
  const clash = await expectStartFailure(t, { PORT: "0", DATA_DIR: dataDir });
  t.match(clash, /in use by process \d+/, clash);

  first.child.kill("SIGTERM");
  const stopped = await first.exited;
  t.same(stopped, { code: 0, signal: null }, "SIGTERM ends it with exit code 0");
  t.equal(first.stderr(), "", "nothing on stderr");

  // The same folder again: the data is there, nothing is migrated or seeded a second time.
  const second = startServer(t, { PORT: "0", DATA_DIR: dataDir });
  const [, , port2] = await second.waitForStdout(docsUrl);
  t.notMatch(second.stdout(), /applied migrations/, "no migration applied again");
  t.notMatch(second.stdout(), /demo data/, "no demo data loaded again");
  t.notMatch(second.stdout(), /Demo admin key|crk_/, "no key printed again");
  const base2 = `http://127.0.0.1:${port2}`;
  const again = (await (await fetch(`${base2}/v1/clusters`, withKey(demoKey!))).json()) as { data: Array<{ shortName: string }> };
  t.same(again.data.map((cluster) => cluster.shortName), ["LTPP"], "still exactly one cluster, and the demo key still works");
  const coordinators = (await (await fetch(`${base2}/v1/coordinators`, withKey(demoKey!))).json()) as { data: unknown[] };
  t.equal(coordinators.data.length, 1, "still exactly one coordinator");

  second.child.kill("SIGINT");
  t.same(await second.exited, { code: 0, signal: null }, "SIGINT ends it with exit code 0 too");
});

t.test("a good start on PostgreSQL", { skip: process.env.TEST_DATABASE_URL ? false : "TEST_DATABASE_URL is not set" }, async (t) => {
  t.setTimeout(120_000);
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `test_server_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = tempDataDir(t);

  const server = startServer(t, { PORT: "0", DATA_DIR: dataDir, DATABASE_URL: url.toString() });
  const [, , port] = await server.waitForStdout(docsUrl);
  t.ok(server.stdout().includes(`applied migrations: ${migrationNames().join(", ")}\n`), "it applied every migration");
  t.notMatch(server.stdout(), /demo data/, "PostgreSQL is never seeded on start");
  t.notMatch(server.stdout(), /Demo admin key|crk_/, "and gets no demo key");
  t.match(server.stdout(), new RegExp(`PostgreSQL at [^\\s]+/${name}`));
  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
  t.same(await ready.json(), { status: "ok", database: "postgres" });
  t.equal((await fetch(`http://127.0.0.1:${port}/v1/clusters`)).status, 401, "no key: 401");
  // The first key on a server: `npm run keys:create`, against the same database while the service runs.
  const cli = await runCli({ DATABASE_URL: url.toString() }, ["--role", "reader", "--name", "server test"]);
  t.equal(cli.code, 0, cli.stderr);
  const key = cli.stdout.trimEnd().split("\n").pop()!;
  t.match(key, /^crk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
  const clusters = await fetch(`http://127.0.0.1:${port}/v1/clusters`, withKey(key));
  t.equal(clusters.status, 200);
  t.same(((await clusters.json()) as { data: unknown[] }).data, []);

  server.child.kill("SIGTERM");
  t.same(await server.exited, { code: 0, signal: null });
});
