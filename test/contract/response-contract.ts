// Checks an HTTP answer against the committed openapi.yaml: the operation (method + path template) declares its
// status, the body's media type is declared for that status, a JSON body is valid against the declared schema (ajv,
// JSON Schema 2020-12: the dialect of OpenAPI 3.1), and every header the status declares `required` is present.
// test/contract/check-every-response.ts runs it on every answer every test receives.
import fs from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";

type Json = Record<string, unknown>;
type Header = { required?: boolean; $ref?: string };
type Response_ = { $ref?: string; content?: Record<string, { schema?: Json }>; headers?: Record<string, Header> };
type Operation = { operationId?: string; responses: Record<string, Response_> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json>; headers?: Record<string, Header> } };

/** An answer as a test sees it (from `app.inject` or over HTTP). */
/** The path as the router reads it: percent-decoded, when it decodes. */
function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

export type Answer = { method: string; url: string; status: number; headers: Record<string, string | string[] | number | undefined>; body: string | undefined };

/**
 * Paths the document leaves out on purpose: Swagger UI and the Scalar reference view with their assets, the document
 * itself in two formats, and the Prometheus text at /metrics (see the README). Their error answers must still be
 * problem details.
 */
const UNDOCUMENTED = [
  /^\/docs(\/|$)/,
  /^\/reference(\/|$)/,
  /^\/openapi\.(json|yaml)$/,
  /^\/metrics$/,
  // Routes a test adds to an app to probe app-wide behaviour (a handler that throws, a slow create): not the API.
  /^\/test-only\//,
];

const SPEC_FILE = path.resolve(import.meta.dirname, "../../openapi.yaml");
const COMPONENTS_ID = "https://cluster-records.invalid/components";

type Route = { template: string; pattern: RegExp; literalSegments: number; item: Record<string, Operation> };

export class ResponseContract {
  private readonly doc: Document;
  private readonly routes: Route[];
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(doc: Document) {
    this.doc = doc;
    // Literal segments win over templates (`/v1/meetings/calendar.ics` before `/v1/meetings/{id}`), as in the router.
    this.routes = Object.entries(doc.paths)
      .map(([template, item]) => ({
        template,
        item,
        literalSegments: template.split("/").filter((segment) => segment && !segment.startsWith("{")).length,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`),
      }))
      .sort((a, b) => b.literalSegments - a.literalSegments);
    // `strict: false`: OpenAPI adds keywords JSON Schema does not know (`example`); they are annotations.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat("double", { type: "number", validate: () => true });
    this.ajv.addFormat("float", { type: "number", validate: () => true });
    this.ajv.addFormat("binary", true);
    // The component schemas as one schema document whose $defs they are; response schemas refer into it.
    const components = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Json;
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: components });
  }

  static fromFile(file = SPEC_FILE): ResponseContract {
    return new ResponseContract(parseYaml(fs.readFileSync(file, "utf8")) as Document);
  }

  /** What is wrong with `answer` as the document sees it, one line per fault; empty when nothing is. */
  check(answer: Answer): string[] {
    const url = new URL(answer.url, "http://localhost");
    const method = answer.method.toLowerCase();
    // The router decodes the path (`/%761/x` is `/v1/x`) and ignores one trailing slash (`routerOptions.ignoreTrailingSlash`
    // in src/app.ts): `/v1/x/` is `/v1/x`.
    const decoded = decodedPath(url.pathname);
    const pathname = decoded.length > 1 ? decoded.replace(/\/$/, "") : decoded;
    const route = this.routes.find((candidate) => candidate.pattern.test(pathname));
    const contentType = header(answer.headers, "content-type");
    const media = contentType?.split(";")[0]?.trim().toLowerCase();
    const body = answer.body ?? "";

    if (!route) {
      if (UNDOCUMENTED.some((pattern) => pattern.test(url.pathname)) && answer.status < 400) return [];
      // Any other path: only problems (404 for an unknown path, 400 for a malformed URL, ...).
      return this.checkProblem(answer, media, body, `${answer.method} ${url.pathname} (no such path in openapi.yaml)`);
    }
    // HEAD is answered by the GET route: same status and headers, no body.
    const operation = route.item[method] ?? (method === "head" ? route.item.get : undefined);
    const where = `${answer.method} ${route.template}${operation?.operationId ? ` (${operation.operationId})` : ""}`;
    // A CORS preflight answered for an allowed origin is HTTP plumbing that OpenAPI does not describe (README).
    if (method === "options" && answer.status === 204 && header(answer.headers, "access-control-allow-methods") !== undefined) return [];
    if (!operation) {
      // A method the path does not have: 405 with Allow (or another problem, such as 404 or 400 from the router).
      return this.checkProblem(answer, media, body, `${where}: a method openapi.yaml does not declare`);
    }

    const status = String(answer.status);
    const declared = this.deref(operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default);
    if (!declared) return [`${where}: status ${status} is not declared (declared: ${Object.keys(operation.responses).join(", ")})`];

    const faults: string[] = [];
    for (const [name, declaredHeader] of Object.entries(declared.headers ?? {})) {
      const resolved = this.deref(declaredHeader);
      if ((declaredHeader.required || resolved?.required) && header(answer.headers, name) === undefined) {
        faults.push(`${where} ${status}: the required header ${name} is missing`);
      }
    }
    // No body to look at: HEAD, 204/304, or a streamed body (a file) whose media type is still checked below.
    if (method === "head" || answer.body === "" || (answer.body === undefined && !media)) return faults;
    if (!declared.content) return [...faults, `${where} ${status}: a body (${media}) where openapi.yaml declares none`];
    if (!media || !(media in declared.content)) {
      return [...faults, `${where} ${status}: media type ${media} is not declared (declared: ${Object.keys(declared.content).join(", ")})`];
    }
    const schema = declared.content[media]?.schema;
    if (schema && isJson(media) && answer.body !== undefined) faults.push(...this.validate(`${where} ${status} ${media}`, `${route.template} ${method} ${status} ${media}`, schema, body));
    return faults;
  }

  /** A `$ref`'d response or header (`#/components/responses/…`, `#/components/headers/…`), followed to what it names. */
  private deref<T extends { $ref?: string }>(node: T | undefined): T | undefined {
    let current: unknown = node;
    for (let hops = 0; hops < 10 && current && typeof current === "object" && typeof (current as { $ref?: unknown }).$ref === "string"; hops++) {
      const ref = (current as { $ref: string }).$ref;
      current = ref
        .replace(/^#\//, "")
        .split("/")
        .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
        .reduce<unknown>((at, segment) => (at && typeof at === "object" ? (at as Json)[segment] : undefined), this.doc);
    }
    return current as T | undefined;
  }

  private checkProblem(answer: Answer, media: string | undefined, body: string, where: string): string[] {
    if (answer.status < 400) return [`${where}: answered ${answer.status}`];
    if (media !== "application/problem+json") return [`${where}: a ${answer.status} as ${media}, not application/problem+json`];
    return this.validate(`${where} ${answer.status}`, "Problem", { $ref: "#/components/schemas/Problem" }, body);
  }

  private validate(where: string, key: string, schema: Json, body: string): string[] {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [`${where}: the body is not JSON: ${body.slice(0, 200)}`];
    }
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`)) as Json);
      this.validators.set(key, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).slice(0, 10).map((error) => `${where}: ${error.instancePath || "/"} ${error.message} (${error.schemaPath})`);
  }
}

const isJson = (media: string) => media === "application/json" || media.endsWith("+json");

function header(headers: Answer["headers"], name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  if (found === undefined) return undefined;
  return Array.isArray(found) ? found.join(", ") : String(found);
}
