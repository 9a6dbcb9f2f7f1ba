import { isProtectedPath } from "./roles.ts";
import { ETAG_HEADER_MAX_LENGTH } from "./schemas.ts";

/**
 * What every operation shares, written into the OpenAPI document once instead of into each route: the headers
 * every answer carries (request id, rate limits, CORS), the 500 any operation can answer, the 503 of every /v1
 * operation (all of them read or write the database), and `security: []` on the public operations, so that no
 * operation leaves its security unsaid. The headers are components, referenced from each response.
 */

type Json = Record<string, unknown>;
type Operation = { security?: unknown[]; parameters?: Json[]; responses?: Record<string, Json> };
type Doc = { paths?: Record<string, Record<string, Operation>>; components?: Json; [key: string]: unknown };

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

const header = (description: string, schema: Json): Json => ({ description, schema });

/** Named after the header, as the OWASP ruleset expects to find `Access-Control-Allow-Origin` in every headers map. */
export const RESPONSE_HEADERS: Record<string, Json> = {
  "X-Request-Id": header(
    "This request's id: the `X-Request-Id` the client sent (1–128 of `A-Z a-z 0-9 _ . : -`) or a new UUID. Problems repeat it as `requestId`; logs carry it.",
    { type: "string", maxLength: 128, pattern: "^[\\w.:-]{1,128}$" },
  ),
  "Access-Control-Allow-Origin": header(
    "Sent only when the request's `Origin` is in the CORS allowlist (`CORS_ORIGINS`; empty by default, so browsers on other origins are refused).",
    { type: "string", maxLength: 2048, format: "uri" },
  ),
  "RateLimit-Limit": header("Requests allowed per window for this API key (or, without a valid key, this client address). Rate limits are on unless `RATE_LIMIT_ENABLED=false`.", {
    type: "integer",
    format: "int32",
    minimum: 1,
    maximum: 1_000_000,
  }),
  "RateLimit-Remaining": header("Requests left in the current window.", { type: "integer", format: "int32", minimum: 0, maximum: 1_000_000 }),
  "RateLimit-Reset": header("Seconds until the window resets.", { type: "integer", format: "int32", minimum: 0, maximum: 86_400 }),
  "Retry-After": header("Seconds to wait before trying again.", { type: "integer", format: "int32", minimum: 0, maximum: 86_400 }),
  Connection: header("`close`: the server closes the connection after this answer; send the next request on a new one.", {
    type: "string",
    enum: ["close"],
    maxLength: 5,
  }),
  ETag: {
    ...header("This representation's entity tag: send it back in `If-Match` to change the record, or in `If-None-Match` to read it only if it changed.", {
      type: "string",
      maxLength: ETAG_HEADER_MAX_LENGTH,
    }),
    required: true,
  },
  Location: { ...header("The new record's URL.", { type: "string", maxLength: 2048, format: "uri-reference" }), required: true },
  Link: header('The next page (RFC 8288): `<…?cursor=…>; rel="next"`. Absent on the last page.', { type: "string", maxLength: 4096 }),
  "Idempotent-Replayed": header("`true` when this answer is the replay of an earlier request with the same `Idempotency-Key`; absent otherwise.", {
    type: "string",
    enum: ["true"],
  }),
  "WWW-Authenticate": {
    ...header('`Bearer realm="cluster-records"`, with `error="invalid_token"` when a key was sent but is not valid (RFC 6750).', {
      type: "string",
      maxLength: 200,
    }),
    required: true,
  },
  "Content-Disposition": header("With a file (CSV, iCalendar, PDF): its file name, e.g. `attachment; filename=\"activities-2013.csv\"`.", {
    type: "string",
    maxLength: 300,
  }),
  "Cache-Control": header("How long a cache may keep this answer.", { type: "string", maxLength: 200 }),
  "Content-Language": header("The language of the problem's title, detail and field messages (or of the document): `en` or `pl`.", {
    type: "string",
    enum: ["en", "pl"],
  }),
};

/** `lang` works on every operation (src/plugins/language.ts): problems, and documents, in English or Polish. */
const LANG_PARAMETER: Json = {
  name: "lang",
  in: "query",
  required: false,
  description:
    "`en` or `pl`: the language of problem titles, details and field messages (English by default) and of documents (Polish by " +
    "default); wins over Accept-Language. `code`, `type` and field pointers never change with the language.",
  schema: { type: "string", enum: ["en", "pl"] },
};

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });

const RATE_LIMIT_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

// A new object at each use: YAML would write one shared object as an anchor with an alias per use.
const problemContent = () => ({ "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } });

const INTERNAL_ERROR = (): Json => ({
  description: "Something failed on our side. Nothing was changed; the problem carries the `requestId` to report.",
  content: problemContent(),
});

const DATABASE_UNAVAILABLE = (): Json => ({
  description: "The database is unavailable; retry after the Retry-After delay.",
  content: problemContent(),
});

/** What any operation may answer before it is even routed: the HTTP parser's refusals and the process going away. */
const BEFORE_ROUTING = (): Record<string, Json> => ({
  "400": { description: "The request is not valid HTTP, or its URL or input is not valid.", content: problemContent() },
  "408": { description: "The request did not arrive in full in time (`request_incomplete`); nothing was done and the connection is closed.", content: problemContent() },
  "431": { description: "The request line and headers exceed 16 KB (`headers_too_large`); the connection is closed.", content: problemContent() },
  "503": {
    description: "The service is shutting down (`shutting_down`, on a connection it is closing) or overloaded (`overloaded`); retry after the Retry-After delay, on a new connection.",
    content: problemContent(),
  },
});

/** What an operation is, as far as its answers' headers go. */
type Facts = { versioned: boolean; conditional: boolean; idempotent: boolean; method: string };

function headersFor(status: string, response: Json, facts: Facts): string[] {
  const names = ["X-Request-Id", "Access-Control-Allow-Origin"];
  const types = Object.keys((response.content as Json | undefined) ?? {});
  const success = /^2/.test(status);
  // Rate limits apply to /v1: every answer but a 5xx that never reached the limiter carries them.
  if (facts.versioned && /^[24]/.test(status)) names.push(...RATE_LIMIT_HEADERS);
  // Single records: every read, write and revalidation of one carries its ETag; a new one its URL.
  if (status === "201") names.push("Location", "ETag");
  else if (status === "304" || (success && types.length > 0 && (facts.conditional || facts.method === "patch"))) names.push("ETag");
  if (success && isPage(response)) names.push("Link");
  if (success && types.some((type) => DOWNLOADS.has(type))) names.push("Content-Disposition");
  if (success && types.some((type) => type === "application/pdf" || type === "text/html")) names.push("Cache-Control");
  // A retried POST replays what it first answered (but for the refusals that come before the key is looked at).
  if (facts.idempotent && /^[24]/.test(status) && !BEFORE_THE_KEY.has(status)) names.push("Idempotent-Replayed");
  if (status === "401") names.push("WWW-Authenticate");
  // 409 on a POST with Idempotency-Key: the first request is still running; Retry-After says when to look again.
  if (status === "429" || status === "503" || (status === "409" && facts.idempotent)) names.push("Retry-After");
  if (/^[45]/.test(status) || isDocument(response)) names.push("Content-Language");
  // Answers after which the connection cannot be used again say so.
  if (status === "408" || status === "431") names.push("Connection");
  return names;
}

const DOWNLOADS = new Set(["text/csv", "text/calendar", "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]);
/**
 * Refusals that come before the Idempotency-Key is claimed (src/plugins/idempotency.ts claims it in preHandler, after
 * validation): never stored, so never replayed. 406 is answered in preParsing, 413 and 415 by the body parser.
 */
const BEFORE_THE_KEY = new Set(["401", "403", "406", "408", "413", "415", "429", "431"]);

const isPage = (response: Json) => {
  const schema = ((response.content as Record<string, { schema?: Json }> | undefined)?.["application/json"]?.schema ?? {}) as Json;
  return typeof schema.$ref === "string" && schema.$ref.endsWith("Page");
};

const isDocument = (response: Json) => Object.keys((response.content as Json | undefined) ?? {}).some((type) => type === "text/html" || type === "application/pdf");

export function describeSharedContract<T extends Doc>(doc: T): T {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const versioned = isProtectedPath(path.replace(/\{[^}]+\}/g, "x"));
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      // Public operations (health, the problem catalogue) say so explicitly: no key needed.
      operation.security ??= [];
      const parameters = (operation.parameters ??= []);
      const header = (name: string) => parameters.find((parameter) => parameter.in === "header" && String(parameter.name).toLowerCase() === name);
      // The server answers 428 without If-Match: where it does, the header is required, whatever the schema says.
      const ifMatch = header("if-match");
      if (ifMatch && operation.responses?.["428"]) ifMatch.required = true;
      const facts: Facts = { versioned, method, conditional: Boolean(ifMatch ?? header("if-none-match")), idempotent: Boolean(header("idempotency-key")) };
      if (!parameters.some((parameter) => parameter.name === "lang" && parameter.in === "query")) parameters.push({ ...LANG_PARAMETER });
      const responses = (operation.responses ??= {});
      if (versioned) responses["503"] ??= DATABASE_UNAVAILABLE();
      for (const [status, response] of Object.entries(BEFORE_ROUTING())) responses[status] ??= response;
      responses["500"] ??= INTERNAL_ERROR();
      for (const [status, response] of Object.entries(responses)) {
        responses[status] = {
          ...response,
          headers: {
            ...(response.headers as Json | undefined),
            ...Object.fromEntries(headersFor(status, response, facts).map((name) => [name, ref(name)])),
          },
        };
      }
    }
  }
  doc.components = { ...doc.components, headers: { ...(doc.components?.headers as Json | undefined), ...RESPONSE_HEADERS } };
  return doc;
}
