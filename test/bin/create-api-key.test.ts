// `npm run keys:create` as a real process on a temporary DATA_DIR: it migrates, creates the key, prints it alone on
// stdout's last line; bad arguments are one `error:` line and exit code 1.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import t from "tap";
import { openDatabase } from "../../src/db/database.ts";
import { hashApiKey, verifyApiKey } from "../../src/modules/api-keys/api-keys-service.ts";

const root = path.resolve(import.meta.dirname, "../..");
t.setTimeout(240_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-records-keys-cli-"));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
const dataDir = path.join(dir, "data");

/** The package.json script, run as npm would, in the user's environment without database settings. */
function run(args: string[], env: Record<string, string> = { DATA_DIR: dataDir }) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DATABASE_URL", "DATA_DIR", "NODE_OPTIONS"]) delete base[name];
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
  const [, script] = scripts["keys:create"]!.split(" ");
  const child = spawn(process.execPath, ["--import", "tsx", script!, ...args], { cwd: root, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

t.test("the script is wired up in package.json", async (t) => {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
  t.equal(scripts["keys:create"], "tsx src/bin/create-api-key.ts");
});

t.test("bad arguments: one line on stderr, exit code 1, no key, nothing written", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /--role and --name are required/],
    [["--role", "admin"], /--role and --name are required/],
    [["--name", "x"], /--role and --name are required/],
    [["--role", "owner", "--name", "x"], /--role must be reader, editor or admin/],
    [["--role", "admin", "--name", "  "], /--name must not be empty/],
    [["--role", "admin", "--name", "x", "--expires-at", "2001-01-01T00:00:00Z"], /--expires-at must be in the future/],
    [["--role", "admin", "--name", "x", "--expires-at", "next week"], /--expires-at must be an RFC 3339 date-time/],
    [["--role", "admin", "--name", "x", "--force"], /Unknown option '--force'/],
    [["--role", "admin", "--name", "x", "extra"], /Unexpected argument 'extra'/],
    [["--role"], /--role.*argument missing|Option '--role <value>' argument missing/],
  ];
  t.jobs = 4;
  await Promise.all(
    cases.map(([args, message]) =>
      t.test(args.join(" ") || "(no arguments)", async (t) => {
        const result = await run(args);
        t.equal(result.code, 1, result.stderr);
        t.equal(result.stdout, "");
        const lines = result.stderr.split("\n");
        t.equal(lines.length, 2, `one line: ${JSON.stringify(result.stderr)}`);
        t.match(lines[0], /^error: /);
        t.match(lines[0], message);
      }),
    ),
  );
  t.notOk(fs.existsSync(path.join(dataDir, "PG_VERSION")), "no database was even opened");
});

t.test("creates a key in the configured (embedded) database, migrating it first", async (t) => {
  const first = await run(["--role", "admin", "--name", "pierwszy klucz"]);
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, "");
  t.match(first.stdout, /^applied migrations: /, "it migrated the new database");
  const lines = first.stdout.trimEnd().split("\n");
  const key = lines.at(-1)!;
  t.match(key, /^crk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/, "the key alone on the last line");
  t.equal(first.stdout.split(key).length, 2, "printed once");
  t.match(first.stdout, /Created API key "pierwszy klucz" \(role admin, id [0-9a-f-]{36}, prefix [a-z0-9]{8}\)/);

  const second = await run(["--role", "reader", "--name", "odczyt", "--expires-at", "2031-01-01T00:00:00+01:00"]);
  t.equal(second.code, 0, second.stderr);
  t.notMatch(second.stdout, /applied migrations/, "nothing left to migrate");
  t.match(second.stdout, /expires 2030-12-31T23:00:00\.000Z/);
  const readerKey = second.stdout.trimEnd().split("\n").at(-1)!;

  const database = await openDatabase({ kind: "pglite", dataDir });
  t.teardown(() => database.close());
  const admin = await verifyApiKey(database.prisma, key);
  t.ok(admin.ok, "the printed key verifies");
  if (admin.ok) {
    t.equal(admin.key.role, "admin");
    t.equal(admin.key.name, "pierwszy klucz");
    t.equal(admin.key.secretHash, hashApiKey(key), "stored as its hash");
    t.equal(admin.key.createdByKeyId, null);
  }
  const reader = await verifyApiKey(database.prisma, readerKey);
  t.ok(reader.ok);
  if (reader.ok) t.same(reader.key.expiresAt, new Date("2030-12-31T23:00:00.000Z"));
  t.equal(await database.prisma.apiKey.count(), 2);
  t.equal(await database.prisma.coordinator.count(), 0, "no demo data: only the key");
});
