import { isDeepStrictEqual } from "node:util";

/**
 * fastify-type-provider-zod emits every registered schema twice, as `X` (response shape) and `XInput` (request
 * shape), referenced or not. This keeps one component per shape actually used: unreferenced ones go, an `XInput`
 * identical to `X` folds into it, and an `XInput` standing alone is named `X`.
 */
type Doc = { components?: { schemas?: Record<string, unknown> }; [key: string]: unknown };

const REF_PREFIX = "#/components/schemas/";

function collectRefs(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => collectRefs(child, into));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF_PREFIX)) into.add(value.slice(REF_PREFIX.length));
      else collectRefs(value, into);
    }
  }
  return into;
}

function renameRefs(node: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((child) => renameRefs(child, renames));
  if (node && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key === "$ref" && typeof value === "string" && value.startsWith(REF_PREFIX)) {
          const name = value.slice(REF_PREFIX.length);
          return [key, REF_PREFIX + (renames.get(name) ?? name)];
        }
        return [key, renameRefs(value, renames)];
      }),
    );
  }
  return node;
}

/** Names reachable from the paths, following references between components too. */
function reachable(doc: Doc, schemas: Record<string, unknown>): Set<string> {
  const { components: _components, ...rest } = doc;
  const seen = new Set<string>();
  const queue = [...collectRefs(rest, new Set())];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...collectRefs(schemas[name], new Set()));
  }
  return seen;
}

export function tidySchemaComponents<T extends Doc>(doc: T): T {
  const all = doc.components?.schemas ?? {};
  const used = reachable(doc, all);
  const schemas = Object.fromEntries(Object.entries(all).filter(([name]) => used.has(name)));
  const renames = new Map<string, string>();
  // Repeat until stable: an Input that refers to other Inputs only equals its output form once those are renamed.
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      if (!name.endsWith("Input") || renames.has(name)) continue;
      const base = name.slice(0, -"Input".length);
      if (!(base in schemas) || isDeepStrictEqual(renameRefs(schemas[name], renames), schemas[base])) {
        renames.set(name, base);
        changed = true;
      }
    }
  }
  const kept: Record<string, unknown> = {};
  for (const name of Object.keys(schemas).sort()) {
    const target = renames.get(name) ?? name;
    kept[target] ??= renameRefs(schemas[name], renames);
  }
  const { components, ...rest } = doc;
  return { ...(renameRefs(rest, renames) as T), components: { ...components, schemas: Object.fromEntries(Object.keys(kept).sort().map((k) => [k, kept[k]])) } };
}
