import { PROBLEM_TYPES, type ProblemCode } from "./problem.ts";
import { ROLES } from "./roles.ts";

/**
 * The problems in the OpenAPI document as a client meets them. Each problem kind that carries members of its own
 * has a named schema (`VersionMismatchProblem` with `currentVersion` and `currentEtag`, ...), built on `Problem`;
 * and each error response shows an example of its own status (a 404 shows a `not_found`, not the 400 of the
 * `Problem` schema). The members an answer carries are written by the code named next to each schema; they are
 * optional here because the same status also has plainer causes (a 412 of a lost race names no version).
 */

type Json = Record<string, unknown>;
type Operation = { responses?: Record<string, Json> };
type Doc = { paths?: Record<string, Record<string, Operation>>; components?: Json; [key: string]: unknown };

const METHODS = new Set(["get", "put", "post", "delete", "patch"]);
const PROBLEM = "#/components/schemas/Problem";
const INT32_MAX = 2_147_483_647;
const count = { type: "integer", format: "int32", minimum: 0, maximum: INT32_MAX };
const role = { type: "string", enum: [...ROLES] };

const extension = (description: string, properties: Json): Json => ({
  description,
  allOf: [{ $ref: PROBLEM }, { type: "object", properties }],
});

/** The named problem schemas; the comment after each says where its members come from. */
const SCHEMAS: Record<string, Json> = {
  // src/plugins/auth.ts
  UnauthorizedProblem: extension("401 `unauthorized`: `reason` says what was wrong with the key.", {
    reason: { type: "string", enum: ["missing", "malformed", "unknown", "expired", "revoked"] },
  }),
  ForbiddenProblem: extension("403 `forbidden`: the role the operation needs and the role the key has.", { requiredRole: role, role }),
  // src/lib/etag.ts
  VersionMismatchProblem: extension("412 `version_mismatch`: the record's current version and ETag, to read it again or retry with.", {
    currentVersion: { ...count, minimum: 1 },
    currentEtag: { type: "string", maxLength: 1024 },
  }),
  // src/modules/grant-applications/grant-application-status-service.ts
  TransitionNotAllowedProblem: extension("409 `transition_not_allowed`: the current status and the statuses it can move to.", {
    currentStatus: { $ref: "#/components/schemas/GrantApplicationStatus" },
    allowedTransitions: { type: "array", maxItems: 20, items: { $ref: "#/components/schemas/GrantApplicationStatus" } },
  }),
  // src/lib/record-service.ts
  StillReferencedProblem: extension("409 `still_referenced`: which records still point at this one, and how many.", {
    references: {
      type: "array",
      maxItems: 50,
      items: {
        type: "object",
        properties: { resource: { type: "string", maxLength: 100 }, field: { type: "string", maxLength: 100 }, count },
        required: ["resource", "field", "count"],
      },
    },
  }),
  // src/modules/activities/activities-export.ts, src/modules/reports/report-document-data.ts
  TooManyRowsProblem: extension("422 `too_many_rows`: how many records matched, and the most one answer holds.", {
    matched: count,
    limit: count,
    bound: { type: "string", enum: ["entries", "characters"], description: "In a document: what passed its bound." },
  }),
};

type Kind = { code: ProblemCode; schema?: string; members?: Json };

/** The problem an error response of this operation shows, by status (and, for 409 and 422, by what the operation is). */
function kindOf(status: string, path: string, method: string, description: string): Kind | undefined {
  switch (status) {
    case "400":
      return { code: "validation_failed", members: { errors: [{ path: "/name", message: "must not be empty", location: "body" }] } };
    case "401":
      return { code: "unauthorized", schema: "UnauthorizedProblem", members: { reason: "missing" } };
    case "403":
      return { code: "forbidden", schema: "ForbiddenProblem", members: { requiredRole: /`(\w+)`/.exec(description)?.[1] ?? "editor", role: "reader" } };
    case "404":
      return { code: "not_found" };
    case "406":
      return { code: "not_acceptable" };
    case "408":
      return { code: "request_incomplete" };
    case "409":
      if (path.endsWith("/transitions")) return { code: "transition_not_allowed", schema: "TransitionNotAllowedProblem", members: { currentStatus: "draft", allowedTransitions: ["submitted", "withdrawn"] } };
      if (method === "delete") return { code: "still_referenced", schema: "StillReferencedProblem", members: { references: [{ resource: "clusters", field: "coordinatorId", count: 2 }] } };
      return { code: "conflict" };
    case "412":
      return { code: "version_mismatch", schema: "VersionMismatchProblem", members: { currentVersion: 3, currentEtag: '"0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f.v3"' } };
    case "413":
      return { code: "payload_too_large" };
    case "415":
      return { code: "unsupported_media_type" };
    case "422":
      if (/`matched`|`limit`/.test(description)) return { code: "too_many_rows", schema: "TooManyRowsProblem", members: { matched: 12000, limit: 10000 } };
      if (!/referenced/.test(description)) return { code: "idempotency_key_reused" };
      return { code: "reference_not_found" };
    case "428":
      return { code: "precondition_required" };
    case "429":
      return { code: "rate_limited" };
    case "431":
      return { code: "headers_too_large" };
    case "500":
      return { code: "internal_error" };
    case "503":
      return { code: "database_unavailable" };
    default:
      return undefined;
  }
}

export function describeProblems<T extends Doc>(doc: T): T {
  const used = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = (response.content as Record<string, Json> | undefined)?.["application/problem+json"];
        const kind = media && kindOf(status, path, method, String(response.description ?? ""));
        if (!media || !kind || !(kind.code in PROBLEM_TYPES)) continue;
        if (kind.schema) {
          media.schema = { $ref: `#/components/schemas/${kind.schema}` };
          used.add(kind.schema);
        }
        // The detail is the response's own description: the example says what this answer of this operation means.
        media.example = {
          type: `/problems/${kind.code}`,
          title: PROBLEM_TYPES[kind.code].title,
          status: Number(status),
          detail: response.description,
          code: kind.code,
          ...kind.members,
        };
      }
    }
  }
  const schemas = ((doc.components ??= {}).schemas ??= {}) as Json;
  for (const name of [...used].sort()) schemas[name] = SCHEMAS[name];
  return doc;
}
