import fc from "fast-check";
import { inlineSharedComponents } from "../lib/openapi-shared.ts";
import { isValidNip, isValidRegon, normalizeRegistryId } from "../lib/polish-registry-ids.ts";

/**
 * Requests generated from the committed OpenAPI document, valid and mutated, and the check of each answer against
 * it: never a 5xx, and never a status or media type the document does not declare for that operation. Used by the
 * bounded fuzz test in the suite (test/app/fuzz.test.ts) and by `npm run fuzz` against a live server.
 * (A development tool: fast-check is a dev dependency, and nothing the server runs imports this.)
 */

type Schema = Record<string, unknown>;
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: Schema };
export type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
};

export type FuzzRequest = { method: string; url: string; headers: Record<string, string>; body?: string };
export type FuzzAnswer = { status: number; contentType: string | undefined; body: string };
export type FuzzOperation = { method: string; path: string; operation: Operation; request: fc.Arbitrary<FuzzRequest> };

const METHODS = ["get", "post", "put", "patch", "delete"];
/** Depth and size caps: enough to reach every rule, small enough to run thousands of requests a minute. */
const MAX_ITEMS = 4;
const MAX_DEPTH = 6;

/** A string of visible characters and spaces (any Unicode), or of raw ASCII including controls. */
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary-ascii", maxLength: 20 }));

const isoDate = fc.date({ min: new Date("1800-01-01T00:00:00Z"), max: new Date("2300-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const offset = fc.constantFrom("Z", "+02:00", "-05:30", "+14:00", "-23:59", "+00:00");
const isoDateTime = fc
  .tuple(fc.date({ min: new Date("0001-01-02T00:00:00Z"), max: new Date("9999-12-30T00:00:00Z"), noInvalidDate: true }), offset)
  .map(([d, o]) => d.toISOString().slice(0, 19) + o);

/**
 * Formats of the document beyond JSON Schema's own: a registry id's check digit (`format: nip`), which no pattern can
 * state. The checks are the server's; values of the pattern are generated and those that pass kept.
 */
export const CHECKED_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  nip: (value) => isValidNip(normalizeRegistryId(value)),
  regon: (value) => isValidRegon(normalizeRegistryId(value)),
};

function stringArbitrary(schema: Schema, ids?: readonly string[]): fc.Arbitrary<string> {
  const maxLength = typeof schema.maxLength === "number" ? Math.min(schema.maxLength, 60) : 60;
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  switch (schema.format) {
    case "uuid":
      return ids && ids.length > 0 ? fc.constantFrom(...ids) : fc.uuid();
    case "date":
      return isoDate;
    case "date-time":
      return isoDateTime;
    case "email":
      return fc.emailAddress().filter((email) => email.length <= 254);
    case "uri":
    case "uri-reference":
      return fc.webUrl().filter((url) => url.length <= 2048);
  }
  if (typeof schema.pattern === "string") {
    try {
      const check = CHECKED_FORMATS[schema.format as string] ?? (() => true);
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength as number | undefined ?? Infinity) && check(s));
    } catch {
      /* a pattern fast-check cannot generate from: plain text below */
    }
  }
  return fc.string({ unit: "grapheme", minLength: Math.min(minLength, maxLength), maxLength });
}

/**
 * Ids of existing records for body members that refer to records, by member name (`clusterId`, `mediaPartnerIds`):
 * a UUID generated for such a member (or for an item of it) is one of these instead.
 */
export type References = Readonly<Record<string, readonly string[]>>;

const resolve = (doc: OpenApiDocument, schema: Schema): Schema =>
  typeof schema.$ref === "string" ? resolve(doc, doc.components.schemas[schema.$ref.split("/").pop()!] ?? {}) : schema;

/** `{ not: { type: "null" } }`: the branch of a cross-field rule that says a member must have a value. */
const isNotNull = (schema: Schema) => (schema.not as Schema | undefined)?.type === "null";

/**
 * An object schema with one branch of its `anyOf`/`oneOf` (a cross-field rule such as "organizationId or
 * personName") folded in: the branch's required members added, and a member it says must not be null generated
 * without its null alternative. (`if`/`then` and `not` are not generated from: callers filter by validity.)
 */
function withBranch(doc: OpenApiDocument, schema: Schema, branch: Schema): Schema {
  const { anyOf: _anyOf, oneOf: _oneOf, ...base } = schema;
  const properties = { ...((base.properties ?? {}) as Record<string, Schema>) };
  for (const [name, rule] of Object.entries((branch.properties ?? {}) as Record<string, Schema>)) {
    const current = properties[name] ? resolve(doc, properties[name]!) : {};
    const { not: _not, ...more } = rule;
    if (isNotNull(rule) && Array.isArray(current.anyOf)) {
      const { anyOf, ...rest } = current;
      const values = (anyOf as Schema[]).filter((s) => s.type !== "null").map((s) => resolve(doc, s));
      properties[name] = values.length === 1 ? { ...rest, ...values[0], ...more } : { ...rest, anyOf: values, ...more };
    } else properties[name] = isNotNull(rule) ? { ...current, ...more } : { ...current, ...rule };
  }
  return { ...base, properties, required: [...new Set([...((base.required ?? []) as string[]), ...((branch.required ?? []) as string[])])] };
}

/** Values that fit `schema` (as far as the document describes it). `ids`: what a UUID in it refers to. */
export function schemaArbitrary(doc: OpenApiDocument, schema: Schema | undefined, depth = 0, references: References = {}, ids?: readonly string[]): fc.Arbitrary<unknown> {
  if (!schema || depth > MAX_DEPTH) return fc.constant(null);
  if (typeof schema.$ref === "string") return schemaArbitrary(doc, doc.components.schemas[schema.$ref.split("/").pop()!], depth + 1, references, ids);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  for (const key of ["anyOf", "oneOf"]) {
    if (!Array.isArray(schema[key])) continue;
    const branches = (schema[key] as Schema[]).map((s) => resolve(doc, s));
    // A cross-field rule beside the members: one branch folded into the object.
    if (schema.properties) return fc.oneof(...branches.map((branch) => schemaArbitrary(doc, withBranch(doc, schema, branch), depth + 1, references, ids)));
    return fc.oneof(...(schema[key] as Schema[]).map((s) => schemaArbitrary(doc, s, depth + 1, references, ids)));
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return fc.oneof(...types.map((type) => typeArbitrary(doc, schema, type, depth, references, ids)));
}

function typeArbitrary(doc: OpenApiDocument, schema: Schema, type: string | undefined, depth: number, references: References, ids?: readonly string[]): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -1000, max: (schema.maximum as number | undefined) ?? 1_000_000 });
    case "number": {
      const min = (schema.minimum as number | undefined) ?? -1e6;
      const max = (schema.maximum as number | undefined) ?? 1e6;
      const step = schema.multipleOf as number | undefined;
      // Rounded to the step's decimals: 655986435 × 0.01 is 6559864.350000001 in binary floating point.
      const decimals = step && step < 1 ? Math.ceil(-Math.log10(step)) : 0;
      if (step) return fc.integer({ min: Math.ceil(min / step), max: Math.min(Math.floor(max / step), 1e9) }).map((n) => Number((n * step).toFixed(decimals)));
      return fc.double({ min, max, noNaN: true });
    }
    case "string":
      return stringArbitrary(schema, ids);
    case "array": {
      const item = schemaArbitrary(doc, schema.items as Schema, depth + 1, references, ids);
      const maxLength = Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, MAX_ITEMS);
      return schema.uniqueItems === true ? fc.uniqueArray(item, { maxLength, selector: (value) => JSON.stringify(value) }) : fc.array(item, { maxLength });
    }
    case "object":
    case undefined: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const model = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, schemaArbitrary(doc, s, depth + 1, references, references[name])]));
      if (Object.keys(model).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      return fc.record(model, { requiredKeys: [...required].filter((name) => name in model) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A valid body, changed the way a careless or hostile client would change it. */
function mutatedBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const json = fc.jsonValue({ maxDepth: 3 });
  return fc.oneof(
    { weight: 6, arbitrary: valid.map((body) => JSON.stringify(body)) },
    { weight: 1, arbitrary: json.map((body) => JSON.stringify(body)) },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.string({ maxLength: 12 }), json).map(([body, key, value]) => {
        if (body === null || typeof body !== "object" || Array.isArray(body)) return JSON.stringify(value);
        const keys = Object.keys(body);
        const target = keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key;
        return JSON.stringify({ ...body, [target]: value });
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.nat()).map(([body, n]) => {
        if (body === null || typeof body !== "object" || Array.isArray(body)) return "{";
        const keys = Object.keys(body);
        if (keys.length === 0) return "[]";
        const { [keys[n % keys.length]!]: _dropped, ...rest } = body as Record<string, unknown>;
        return JSON.stringify(rest);
      }),
    },
    { weight: 1, arbitrary: fc.oneof(fc.constant("{"), fc.constant(""), fc.constant('{"a":1,}'), anyText) },
  );
}

/** A query or path value: usually one that fits the parameter, sometimes anything. */
function parameterValue(doc: OpenApiDocument, parameter: Parameter, ids: readonly string[]): fc.Arbitrary<string> {
  const fitting = schemaArbitrary(doc, parameter.schema).map((value) => (typeof value === "string" ? value : JSON.stringify(value)));
  const knownIds = parameter.schema?.format === "uuid" && ids.length > 0 ? [{ weight: 12, arbitrary: fc.constantFrom(...ids) }] : [];
  return fc.oneof(...knownIds, { weight: 8, arbitrary: fitting }, { weight: 1, arbitrary: anyText });
}

const etag = fc.oneof(fc.constant("*"), fc.tuple(fc.uuid(), fc.nat(5)).map(([id, v]) => `"${id}.v${v}"`), fc.string({ unit: "binary-ascii", maxLength: 30 }));
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e]/g, "").trim();

/** Every operation of the document, each with the arbitrary of its requests. `ids`: record ids to aim path parameters at. */
export function fuzzOperations(document: OpenApiDocument, options: { ids: readonly string[]; authorization: string }): FuzzOperation[] {
  const doc = inlineSharedComponents(document);
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      const pathParameters = parameters.filter((p) => p.in === "path");
      const queryParameters = parameters.filter((p) => p.in === "query");
      const headerParameters = parameters.filter((p) => p.in === "header");
      const [contentType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      const request = fc
        .record({
          // A path segment that is empty, "." or ".." would be another route's request, not this operation's.
          path: fc.tuple(...pathParameters.map((p) => parameterValue(doc, p, options.ids).filter((value) => !["", ".", ".."].includes(value)))),
          query: fc.tuple(...queryParameters.map((p) => fc.option(parameterValue(doc, p, options.ids), { nil: undefined }))),
          extraQuery: fc.option(fc.tuple(fc.string({ maxLength: 8 }), anyText), { nil: undefined, freq: 10 }),
          headers: fc.tuple(...headerParameters.map((p) => fc.option(p.name === "if-match" || p.name === "if-none-match" ? etag : fc.string({ unit: "binary-ascii", maxLength: 40 }), { nil: undefined }))),
          body: media ? fc.option(mutatedBody(schemaArbitrary(doc, media.schema)), { nil: undefined, freq: 12 }) : fc.constant(undefined),
        })
        .map(({ path: pathValues, query, extraQuery, headers, body }) => {
          let url = path;
          pathParameters.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeURIComponent(pathValues[i] as string))));
          const pairs = queryParameters.flatMap((p, i) => (query[i] === undefined ? [] : [`${encodeURIComponent(p.name)}=${encodeURIComponent(query[i] as string)}`]));
          if (extraQuery) pairs.push(`${encodeURIComponent(extraQuery[0])}=${encodeURIComponent(extraQuery[1])}`);
          const sent: Record<string, string> = { authorization: options.authorization };
          headerParameters.forEach((p, i) => {
            const value = headers[i] === undefined ? undefined : headerSafe(headers[i] as string);
            if (value) sent[p.name] = value;
          });
          if (body !== undefined && contentType) sent["content-type"] = contentType;
          return { method: method.toUpperCase(), url: pairs.length > 0 ? `${url}?${pairs.join("&")}` : url, headers: sent, body };
        });
      operations.push({ method: method.toUpperCase(), path, operation, request });
    }
  }
  return operations;
}

/** What is wrong with an answer, as the document sees it; undefined when nothing is. */
export function answerProblem(operation: Operation, answer: FuzzAnswer): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}: ${answer.body.slice(0, 300)}`;
  const declared = operation.responses[String(answer.status)] ?? operation.responses.default;
  if (!declared) return `status ${answer.status} is not declared (declared: ${Object.keys(operation.responses).join(", ")})`;
  if (answer.body.length === 0 || !declared.content) return undefined;
  const media = answer.contentType?.split(";")[0]?.trim().toLowerCase();
  if (!media || !(media in declared.content)) return `media type ${media} is not declared for ${answer.status} (declared: ${Object.keys(declared.content).join(", ")})`;
  if (media.endsWith("json")) {
    try {
      JSON.parse(answer.body);
    } catch {
      return `the ${media} body is not JSON`;
    }
  }
  return undefined;
}
