// Issue 9, deliverable 7: a property-based fuzz test in the suite. Requests generated from the committed openapi.yaml
// (valid, and mutated the way a careless or hostile client would) go to every operation; the test fails on any 5xx
// and on any status or media type the document does not declare. Bounded: FUZZ_RUNS requests per operation (default
// 20). `npm run fuzz -- --requests 100000` is the long version, against a live server.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import t from "tap";
import { parse } from "yaml";
import { seedDemoData } from "../../src/db/seed.ts";
import { hasPolish } from "../../src/lib/messages/fields.ts";
import { answerProblem, fuzzOperations, type OpenApiDocument } from "../../src/fuzz/openapi-fuzz.ts";
import { createAdminKey, testApp } from "../helper.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const doc = parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../openapi.yaml"), "utf8")) as OpenApiDocument;

const { app, db, adminKey } = await testApp(t);
await seedDemoData(db.prisma);
// Path parameters aim at records that exist (and at an API key other than the fuzzer's own, which it could revoke).
await createAdminKey(db);
const rows = await db.prisma.$queryRawUnsafe<Array<{ id: string }>>(
  `SELECT id FROM coordinators UNION ALL SELECT id FROM clusters UNION ALL SELECT id FROM organizations
   UNION ALL SELECT id FROM activities UNION ALL SELECT id FROM meetings UNION ALL SELECT id FROM meeting_participants
   UNION ALL SELECT id FROM grant_applications UNION ALL SELECT id FROM media_partners UNION ALL SELECT id FROM media_publications
   UNION ALL SELECT id FROM cluster_memberships UNION ALL SELECT id FROM api_keys WHERE id <> $1`,
  adminKey.id,
);
// Every field message a client meets has its Polish sentence (src/lib/messages/fields.ts): checked after the run.
const fieldMessages = new Map<string, string>();
const operations = fuzzOperations(doc, { ids: rows.map((row) => row.id), authorization: `Bearer ${adminKey.key}` });

t.test(`${operations.length} operations × ${RUNS} generated requests: no 5xx, nothing undeclared`, async (t) => {
  t.ok(operations.length >= 70, "every operation of the document is fuzzed");
  for (const { method, path: route, operation, request } of operations) {
    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        const res = await app.inject({ method: sent.method as "GET", url: sent.url, headers: sent.headers, payload: sent.body });
        const problem = answerProblem(operation, { status: res.statusCode, contentType: res.headers["content-type"] as string | undefined, body: res.body });
        if (problem) throw new Error(`${sent.method} ${sent.url} ${sent.body ?? ""}\n-> ${problem}`);
        if (res.headers["content-language"] === "en" && String(res.headers["content-type"]).startsWith("application/problem+json")) {
          for (const error of (res.json() as { errors?: Array<{ message: string; path: string }> }).errors ?? []) {
            if (!fieldMessages.has(error.message)) fieldMessages.set(error.message, `${sent.method} ${sent.url} ${sent.body ?? ""} (${error.path})`);
          }
        }
      }),
      { numRuns: RUNS },
    );
    t.pass(`${method} ${route}`);
  }
});

t.test("every field message the fuzzer met has a Polish text", async (t) => {
  t.ok(fieldMessages.size > 50, `${fieldMessages.size} distinct field messages`);
  const untranslated = [...fieldMessages].filter(([message]) => !hasPolish(message));
  t.same(untranslated.map(([message, request]) => `${message} <- ${request}`), [], "messages without a Polish text, and a request that met each");
});
