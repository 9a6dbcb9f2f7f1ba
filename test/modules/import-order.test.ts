import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import t from "tap";

/**
 * The schema and service modules of activities, meetings, grant applications, media partners and organizations
 * import each other (an activity embeds meetings, a meeting its activity, ...). With ES modules, whichever of them
 * is imported first decides the evaluation order, and a value used at the top level of a module that comes from
 * across the cycle is then still uninitialised (ReferenceError) or undefined. Each module is therefore imported
 * first in a process of its own, the app is built and its OpenAPI document generated: every order must work and
 * give the same document, with the embedded records as $refs to their components.
 */

const root = path.resolve(import.meta.dirname, "../..");
const CYCLIC = ["activities", "meetings", "grant-applications", "media-partners", "organizations"];
const entries = CYCLIC.flatMap((folder) =>
  fs
    .readdirSync(path.join(root, "src/modules", folder))
    .filter((file) => /-(schemas|service)\.ts$/.test(file) || file.endsWith("-role.ts"))
    .map((file) => `src/modules/${folder}/${file}`),
);

const SCRIPT = `
const entry = process.argv[1];
await import(new URL(entry, "file://" + process.cwd() + "/").href);
const { buildApp } = await import(new URL("src/app.ts", "file://" + process.cwd() + "/").href);
const { detachedDatabase } = await import(new URL("src/db/database.ts", "file://" + process.cwd() + "/").href);
const app = await buildApp({ database: detachedDatabase(), closeDatabase: true });
await app.ready();
process.stdout.write(JSON.stringify(app.swagger()));
await app.close();
`;

const run = promisify(execFile);
async function documentWith(entry: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import=tsx", "--input-type=module", "-e", SCRIPT, entry], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Runs `task` over `items`, `limit` at a time. */
async function pooled<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

t.setTimeout(300_000);

t.test("every module of the cycle can be imported first", async (t) => {
  t.ok(entries.length >= 15, `${entries.length} entry modules`);
  const outcomes = await pooled(entries, 3, async (entry) => {
    try {
      return { entry, document: await documentWith(entry) };
    } catch (error) {
      return { entry, error: String((error as { stderr?: string }).stderr || error).split("\n").slice(0, 8).join("\n") };
    }
  });
  const digests = new Set<string>();
  for (const outcome of outcomes) {
    if ("error" in outcome) {
      t.fail(`${outcome.entry} imported first: ${outcome.error}`);
      continue;
    }
    t.pass(`${outcome.entry} imported first: the app builds`);
    digests.add(createHash("sha256").update(outcome.document!).digest("hex"));
  }
  t.equal(digests.size, 1, "the same OpenAPI document whatever the order");

  const document = JSON.parse((outcomes.find((o) => "document" in o) as { document: string }).document);
  const schemas = document.components.schemas as Record<string, { properties: Record<string, Record<string, unknown>> }>;
  const ref = (name: string) => `#/components/schemas/${name}`;
  const refOf = (property: Record<string, unknown> | undefined): string | undefined => {
    if (!property) return undefined;
    if (typeof property.$ref === "string") return property.$ref;
    const items = property.items as Record<string, unknown> | undefined;
    if (items && typeof items.$ref === "string") return items.$ref;
    const anyOf = property.anyOf as Array<Record<string, unknown>> | undefined;
    return anyOf?.map((option) => option.$ref).find((value): value is string => typeof value === "string");
  };
  const embedded: Array<[string, string, string]> = [
    ["Activity", "meetings", "Meeting"],
    ["Activity", "grantApplications", "GrantApplication"],
    ["Activity", "mediaPartners", "MediaPartner"],
    ["Activity", "publications", "MediaPublication"],
    ["Meeting", "activity", "Activity"],
    ["Meeting", "participants", "MeetingParticipant"],
    ["MeetingParticipant", "organization", "Organization"],
    ["GrantApplication", "activity", "Activity"],
    ["GrantApplication", "fundingBody", "Organization"],
    ["GrantApplicationPartner", "organization", "Organization"],
    ["MediaPublication", "activity", "Activity"],
    ["MediaPartner", "publications", "MediaPublication"],
    ["Membership", "organization", "Organization"],
    ["Organization", "memberships", "Membership"],
  ];
  for (const [owner, member, target] of embedded) {
    const property = schemas[owner]?.properties[member];
    t.equal(refOf(property), ref(target), `${owner}.${member} refers to ${target}, not a copy of it`);
    t.match(property?.description, /^Present with `include=|present with `include=/, `${owner}.${member} says when it is present`);
    t.notOk((document.components.schemas[owner].required as string[]).includes(member), `${owner}.${member} is optional`);
  }
});
