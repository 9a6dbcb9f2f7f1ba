import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { detachedDatabase } from "../../src/db/database.ts";

/**
 * How the modules of src/ may import each other. With ES modules an import cycle makes the evaluation order depend
 * on which module happens to be imported first (a value used across the cycle at load time is then undefined), so
 * there is none: records that embed each other name the other's schema by its component id, and mappers, not
 * services, turn rows into records. Only imports that exist at run time count (`import type` is erased).
 */

const root = path.resolve(import.meta.dirname, "../..");
const src = path.join(root, "src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** `import … from "./x.ts"` / `export … from "./x.ts"` / `import("./x.ts")`, unless every name imported is a type. */
const STATIC = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["'](\.{1,2}\/[^"']+)["']/gm;
const BARE = /^\s*import\s+["'](\.{1,2}\/[^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function typeOnly(keyword: string | undefined, clause: string): boolean {
  if (keyword) return true;
  const named = clause.match(/^\{([\s\S]*)\}$/);
  if (!named) return false; // a default or namespace import is a value
  const names = named[1]!.split(",").map((name) => name.trim()).filter(Boolean);
  return names.length > 0 && names.every((name) => name.startsWith("type "));
}

/** The files of src/ each file imports at run time. */
export function runtimeImports(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const targets: string[] = [];
    for (const match of text.matchAll(STATIC)) if (!typeOnly(match[2], match[3]!.trim())) targets.push(match[4]!);
    for (const match of text.matchAll(BARE)) targets.push(match[1]!);
    for (const match of text.matchAll(DYNAMIC)) targets.push(match[1]!);
    graph.set(
      file,
      targets.map((target) => path.resolve(path.dirname(file), target)).filter((target) => target.startsWith(src) && !target.includes(`${path.sep}generated${path.sep}`)),
    );
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one file (or a file importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const relative = (file: string) => path.relative(root, file);
const files = sourceFiles(src);
const graph = runtimeImports(files);

t.test("the import graph is read", async (t) => {
  t.ok(files.length > 50, `${files.length} files in src/`);
  const app = graph.get(path.join(src, "app.ts")) ?? [];
  t.ok(app.includes(path.join(src, "modules/resources.ts")), "app.ts imports the record definitions");
  t.ok(
    (graph.get(path.join(src, "modules/meetings/meetings-mapper.ts")) ?? []).every((target) => !target.endsWith("meetings-schemas.ts")),
    "a type-only import is not counted",
  );
});

t.test("no import cycle anywhere in src/", async (t) => {
  const found = cycles(graph);
  t.same(
    found.map((component) => component.map(relative).sort()),
    [],
    "modules that import each other (directly or through others)",
  );
});

t.test("no service imports another service", async (t) => {
  for (const [file, targets] of graph) {
    if (!file.endsWith("-service.ts")) continue;
    const services = targets.filter((target) => target.endsWith("-service.ts") && target !== file);
    t.same(services.map(relative), [], `${relative(file)} imports no service`);
  }
});

t.test("a mapper imports only mappers and schemas from the modules", async (t) => {
  const mappers = [...graph.keys()].filter((file) => file.endsWith("-mapper.ts"));
  t.ok(mappers.length >= 10, `${mappers.length} mappers`);
  for (const file of mappers) {
    const outside = graph
      .get(file)!
      .filter((target) => target.startsWith(path.join(src, "modules")) && !/-(mapper|schemas)\.ts$/.test(target));
    t.same(outside.map(relative), [], `${relative(file)} imports only mappers and schemas`);
  }
});

t.test("records embedded in one another are $refs to their components, not copies", async (t) => {
  const app = await buildApp({ database: detachedDatabase(), closeDatabase: true });
  t.teardown(() => app.close());
  await app.ready();
  const document = app.swagger() as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }> } };
  const schemas = document.components.schemas;
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
    t.equal(refOf(property), `#/components/schemas/${target}`, `${owner}.${member} refers to ${target}, not a copy of it`);
    t.match(property?.description, /^Present with `include=|present with `include=/, `${owner}.${member} says when it is present`);
    t.notOk((schemas[owner]!.required ?? []).includes(member), `${owner}.${member} is optional`);
  }
});
