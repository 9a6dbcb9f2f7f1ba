import { STATUS_CODES } from "node:http";

/**
 * Writes the document's shared parts once. Routes declare their responses and parameters in full (so that each
 * route reads on its own), and most of them are the same: the 401, 403, 429, 500 and 503 of every /v1 operation,
 * the 404 of every record, `lang`, `limit` and `cursor`. Every response and parameter object that appears in more
 * than one operation moves to `components/responses` or `components/parameters` and is referenced from there.
 * Nothing is lost: resolving the references gives back the document as the routes declared it.
 *
 * Names are stable and readable: a response is named after its status (`NotFound`, `PreconditionFailed`), or a
 * success with a JSON body after the body's schema (`Coordinator`: a record's GET and PATCH answer alike), the most
 * used variant of a name getting the plain name and the others a number in order of use (`NotFound2`); those of the
 * public operations (no key, no rate limit) end in `Public`; a parameter is named after itself (`Lang`, `IfMatch`).
 */

type Json = Record<string, unknown>;
type Operation = { parameters?: Json[]; responses?: Record<string, Json> };
type Doc = { paths?: Record<string, Record<string, Operation>>; components?: Json; [key: string]: unknown };

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");

/** `404` -> `NotFound`, `2XX` or an unknown code -> `Status2XX`. */
const statusName = (status: string) => (STATUS_CODES[status] ? pascal(STATUS_CODES[status]!.replace(/'/g, "")) : `Status${status}`);

/** A success answer with a JSON body is named after the body's schema (`Coordinator`, `AuditEventPage`). */
const successSchemaName = (status: string, response: Json) => {
  const schema = (response.content as Record<string, { schema?: Json }> | undefined)?.["application/json"]?.schema;
  const ref = /^2/.test(status) && typeof schema?.$ref === "string" ? /^#\/components\/schemas\/(\w+)$/.exec(schema.$ref) : null;
  return ref?.[1];
};

/**
 * Counts the objects `pick` finds in every operation (by their JSON), names those used more than once with
 * `nameOf` (numbered when one name covers several variants), and returns JSON -> name.
 */
function nameShared(doc: Doc, pick: (operation: Operation) => Array<[group: string, value: unknown]>): Map<string, string> {
  const counts = new Map<string, { group: string; count: number }>();
  for (const operation of eachOperation(doc)) {
    for (const [group, value] of pick(operation)) {
      const key = JSON.stringify(value);
      const seen = counts.get(key);
      counts.set(key, { group, count: (seen?.count ?? 0) + 1 });
    }
  }
  const byGroup = new Map<string, Array<{ key: string; count: number }>>();
  for (const [key, { group, count }] of counts) {
    if (count < 2) continue;
    byGroup.set(group, [...(byGroup.get(group) ?? []), { key, count }]);
  }
  const names = new Map<string, string>();
  for (const [group, variants] of byGroup) {
    // Most used first; ties in a fixed order, so that the names do not depend on the order routes register in.
    variants.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    variants.forEach(({ key }, index) => names.set(key, index === 0 ? group : `${group}${index + 1}`));
  }
  return names;
}

function* eachOperation(doc: Doc): Generator<Operation> {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) if (METHODS.has(method)) yield operation;
  }
}

const sortedObject = <T>(entries: Array<[string, T]>) => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Keys whose values are data, not schemas. */
const DATA_KEYS = new Set(["example", "examples", "default", "enum", "const"]);
const PATTERN_CORE = ["type", "format", "pattern", "minLength", "maxLength"];
/** A count: a whole number from 0 that fits PostgreSQL's integer (the figures of a report, `matched`, ...). */
const COUNT_CORE = ["type", "minimum", "maximum", "format"];
const isCount = (object: Json) => object.type === "integer" && object.minimum === 0 && object.maximum === 2_147_483_647 && object.format === "int32";

/**
 * A string schema whose pattern is long (a UUID's, a calendar date's: 150–200 characters) becomes a schema
 * component, named after its format (`Uuid`, `Date`), referenced where it was written, and so does the int32
 * count (`Count`, written some 40 times in the yearly report's figures); the rest of the schema
 * (a description, an example) stays next to the reference, as OpenAPI 3.1 allows.
 */
function hoistPatternSchemas(doc: Doc): void {
  const schemas = ((doc.components ??= {}).schemas ??= {}) as Json;
  const names = new Map<string, string>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const object = node as Json;
    const longPattern = typeof object.pattern === "string" && object.pattern.length >= 100 && typeof object.format === "string" && object.type === "string";
    if (longPattern || isCount(object)) {
      const core = Object.fromEntries((longPattern ? PATTERN_CORE : COUNT_CORE).filter((key) => key in object).map((key) => [key, object[key]]));
      const key = JSON.stringify(core);
      let name = names.get(key);
      if (!name) {
        name = longPattern ? pascal(String(object.format)) : "Count";
        while (name in schemas) name = `${name}_`;
        names.set(key, name);
        schemas[name] = core;
      }
      const rest = Object.entries(object).filter(([k]) => !(longPattern ? PATTERN_CORE : COUNT_CORE).includes(k));
      return { $ref: `#/components/schemas/${name}`, ...Object.fromEntries(rest) };
    }
    return Object.fromEntries(Object.entries(object).map(([k, value]) => [k, DATA_KEYS.has(k) ? value : visit(value)]));
  };
  const { components, ...rest } = doc;
  Object.assign(doc, visit(rest));
  const visited = visit({ ...(components as Json).schemas as Json }) as Json;
  (doc.components as Json).schemas = sortedObject(Object.entries({ ...visited, ...Object.fromEntries([...names.values()].map((name) => [name, schemas[name]])) }));
  for (const [kind, value] of Object.entries(components as Json)) if (kind !== "schemas") (doc.components as Json)[kind] = visit(value);
}

/**
 * A schema written the same way in several places (a record's `id`, `version`, `createdAt` and `updatedAt`, a
 * page's `nextCursor`, the CSV, spreadsheet and iCalendar bodies of the exports) becomes a schema component,
 * named after the property or media type it describes (`Version`, `NextCursor`, `TextCsv`), and is referenced
 * where it was written. Only fragments of some length with a description or an example (that is what repeats) move;
 * a fragment that differs only in a bound (an export's `maxLength`) keeps the bound next to the reference.
 */
const MIN_FRAGMENT = 100;
const SIBLING_KEYS: string[] = [];
const MEDIA_NAMES: Record<string, string> = { "text/csv": "Csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Xlsx", "text/calendar": "ICalendar" };
function hoistRepeatedSchemas(doc: Doc): void {
  const schemas = ((doc.components ??= {}).schemas ??= {}) as Json;
  const split = (schema: Json): [core: Json, rest: Json] => {
    if (typeof schema.description !== "string") return [schema, {}];
    const rest = Object.fromEntries(SIBLING_KEYS.filter((key) => key in schema).map((key) => [key, schema[key]]));
    return [Object.fromEntries(Object.entries(schema).filter(([key]) => !(key in rest))), rest];
  };
  // Walks every schema position (not examples, defaults or enums) and calls `each` with the schema and its name hint.
  const walkSchemas = (each: (schema: Json, hint: string) => Json | undefined) => {
    const schema = (node: unknown, hint: string, top = false): unknown => {
      if (!node || typeof node !== "object" || Array.isArray(node)) return node;
      const replaced = top ? undefined : each(node as Json, hint);
      if (replaced) return replaced;
      const object = node as Json;
      const out: Json = {};
      for (const [key, value] of Object.entries(object)) {
        if (key === "properties" && value && typeof value === "object") out[key] = Object.fromEntries(Object.entries(value).map(([name, v]) => [name, schema(v, name)]));
        else if (key === "items" || key === "additionalProperties" || key === "not") out[key] = schema(value, `${hint}Item`);
        else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) out[key] = value.map((v) => schema(v, hint));
        else out[key] = value;
      }
      return out;
    };
    const other = (node: unknown, hint: string): unknown => {
      if (Array.isArray(node)) return node.map((v) => other(v, hint));
      if (!node || typeof node !== "object") return node;
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === "schema" ? schema(value, hint) : DATA_KEYS.has(key) ? value : other(value, key)]));
    };
    doc.paths = other(doc.paths, "") as Doc["paths"];
    for (const [kind, value] of Object.entries(doc.components as Json)) {
      if (kind === "schemas") (doc.components as Json).schemas = Object.fromEntries(Object.entries(value as Json).map(([name, v]) => [name, schema(v, name, true)]));
      else (doc.components as Json)[kind] = other(value, "");
    }
  };
  const counts = new Map<string, { count: number; hint: string }>();
  const topLevel = new Set(Object.values(schemas).map((v) => JSON.stringify(v)));
  walkSchemas((schema, hint) => {
    const [core] = split(schema);
    if (!("description" in core || "example" in core)) return undefined;
    const key = JSON.stringify(core);
    if (key.length < MIN_FRAGMENT || topLevel.has(key)) return undefined;
    const seen = counts.get(key);
    counts.set(key, { count: (seen?.count ?? 0) + 1, hint: seen?.hint ?? hint });
    return undefined;
  });
  const names = new Map<string, string>();
  const sorted = [...counts].filter(([, { count }]) => count > 1).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, { hint }] of sorted) {
    const base = MEDIA_NAMES[hint] ?? (pascal(hint) || "Shared");
    let name = base;
    for (let n = 2; name in schemas || [...names.values()].includes(name); n++) name = `${base}${n}`;
    names.set(key, name);
  }
  if (names.size === 0) return;
  // The new components first, so that a fragment inside another is referenced from its copy too.
  (doc.components as Json).schemas = sortedObject([...Object.entries((doc.components as Json).schemas as Json), ...[...names].map(([key, name]) => [name, JSON.parse(key)] as [string, Json])]);
  walkSchemas((schema) => {
    const [core, rest] = split(schema);
    const name = "description" in core || "example" in core ? names.get(JSON.stringify(core)) : undefined;
    return name ? { $ref: `#/components/schemas/${name}`, ...rest } : undefined;
  });
}

/**
 * `required: false` is what a parameter outside the path is without it (OpenAPI 3.1, Parameter Object): not written,
 * but on If-Match, which is required on most operations that take it and says so either way.
 */
function dropDefaultRequired(doc: Doc): void {
  for (const operation of eachOperation(doc)) {
    for (const parameter of operation.parameters ?? []) if (parameter.required === false && parameter.in !== "path" && parameter.name !== "if-match") delete parameter.required;
  }
}

export function hoistSharedComponents<T extends Doc>(doc: T): T {
  hoistPatternSchemas(doc);
  dropDefaultRequired(doc);
  hoistRepeatedSchemas(doc);
  // The answers of the public operations (no key, no rate limit) are told apart by name: `BadRequestPublic`.
  const isPublic = (status: string, response: Json) => /^[24]/.test(status) && !("RateLimit-Limit" in ((response.headers as Json | undefined) ?? {}));
  const responseNames = nameShared(doc, (operation) =>
    Object.entries(operation.responses ?? {}).map(([status, response]) => [
      successSchemaName(status, response) ?? `${statusName(status)}${isPublic(status, response) ? "Public" : ""}`,
      response,
    ]),
  );
  const parameterNames = nameShared(doc, (operation) =>
    (operation.parameters ?? []).filter((parameter) => !("$ref" in parameter)).map((parameter) => [pascal(String(parameter.name)), parameter]),
  );
  const responses: Array<[string, Json]> = [];
  const parameters: Array<[string, Json]> = [];
  const hoisted = new Set<string>();
  for (const operation of eachOperation(doc)) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const key = JSON.stringify(response);
      const name = responseNames.get(key);
      if (!name) continue;
      if (!hoisted.has(`r:${name}`)) responses.push([name, response]);
      hoisted.add(`r:${name}`);
      operation.responses![status] = { $ref: `#/components/responses/${name}` };
    }
    operation.parameters = operation.parameters?.map((parameter) => {
      const name = parameterNames.get(JSON.stringify(parameter));
      if (!name) return parameter;
      if (!hoisted.has(`p:${name}`)) parameters.push([name, parameter]);
      hoisted.add(`p:${name}`);
      return { $ref: `#/components/parameters/${name}` };
    });
  }
  const components = (doc.components ?? {}) as Json;
  doc.components = {
    ...components,
    ...(parameters.length > 0 ? { parameters: sortedObject([...Object.entries((components.parameters as Json | undefined) ?? {}), ...parameters]) } : {}),
    ...(responses.length > 0 ? { responses: sortedObject([...Object.entries((components.responses as Json | undefined) ?? {}), ...responses]) } : {}),
  };
  hoistPathParameters(doc);
  return doc;
}

/**
 * A parameter that every operation of a path takes (`Id` on `/v1/coordinators/{id}`, `Lang`) is written once, on
 * the path: OpenAPI applies a path's parameters to each of its operations.
 */
function hoistPathParameters(doc: Doc): void {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const operations = Object.entries(item).flatMap(([method, operation]) => (METHODS.has(method) ? [operation] : []));
    if (operations.length < 2) continue;
    const keys = (operation: Operation) => (operation.parameters ?? []).map((parameter) => JSON.stringify(parameter));
    const common = keys(operations[0]!).filter((key) => operations.every((operation) => keys(operation).includes(key)));
    if (common.length === 0) continue;
    for (const operation of operations) {
      operation.parameters = operation.parameters!.filter((parameter) => !common.includes(JSON.stringify(parameter)));
      if (operation.parameters.length === 0) delete operation.parameters;
    }
    // `parameters` sits among the methods of a path item; tools that walk operations skip what is not a method.
    doc.paths![path] = { parameters: common.map((key) => JSON.parse(key)) as Operation, ...item };
  }
}

/**
 * The inverse, for tools that read operations one by one (the fuzzer, tests): every reference to a shared
 * response or parameter replaced by a copy of what it names, and a path's parameters copied into each of its
 * operations. Schema and header references stay.
 */
export function inlineSharedComponents<T>(doc: T): T {
  const components = ((doc as Doc).components ?? {}) as Record<string, Json | undefined>;
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (!node || typeof node !== "object") return node;
    const ref = (node as Json).$ref;
    const match = typeof ref === "string" ? /^#\/components\/(responses|parameters)\/(.+)$/.exec(ref) : null;
    if (match) return inline(structuredClone(components[match[1]!]?.[match[2]!]));
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === "components" ? value : inline(value)]));
  };
  const inlined = inline(doc) as Doc;
  for (const [path, { parameters: shared, ...item }] of Object.entries(inlined.paths ?? {})) {
    if (!Array.isArray(shared)) continue;
    // Only what every operation of the path took was moved there, so nothing clashes with an operation's own.
    for (const [method, operation] of Object.entries(item)) if (METHODS.has(method)) operation.parameters = [...(operation.parameters ?? []), ...shared];
    inlined.paths![path] = item;
  }
  return inlined as T;
}
