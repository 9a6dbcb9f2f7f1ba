import type { RouteOptions } from "fastify";
import type { Role } from "./request-context.ts";
import { problemResponse } from "./schemas.ts";

/**
 * Who may call what. Roles are ordered reader < editor < admin; a route needs `config.minRole` when it sets one,
 * otherwise reader for GET/HEAD and editor for every other method. The same rule is written into the OpenAPI
 * document of every /v1 operation (see `describeRouteSecurity`), so the docs cannot drift from what is enforced.
 */

export const ROLES = ["reader", "editor", "admin"] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { reader: 0, editor: 1, admin: 2 };

export const roleAllows = (role: Role, required: Role): boolean => RANK[role] >= RANK[required];

export function requiredRole(method: string, minRole: Role | undefined): Role {
  if (minRole) return minRole;
  return method === "GET" || method === "HEAD" ? "reader" : "editor";
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The least role an API key needs for this route (default: reader for GET/HEAD, editor otherwise). */
    minRole?: Role;
    /**
     * The URL carries its own credential (a calendar feed's token), which the route checks: no API key is asked for
     * or looked at, and the token is nothing to any other route.
     */
    ownToken?: boolean;
  }
}

/** The versioned API needs a key; health, metrics, docs and the problem catalogue stay public. */
export const isProtectedPath = (path: string): boolean => path === "/v1" || path.startsWith("/v1/");

export const SECURITY_SCHEME = "bearerAuth";

// The least role: that a higher one works too is said once, in the document's description (src/plugins/swagger.ts).
const roleText = (role: Role) => `Role: \`${role}\`.`;

/**
 * For an onRoute hook: declares on a /v1 operation its bearer security, the role it needs (in the description and
 * as `x-required-role`) and the 401/403 problems. Replaces `schema` with a copy, since Fastify hands the same
 * schema object to the HEAD route it derives from a GET.
 */
export function describeRouteSecurity(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean; description?: string; response?: Record<string, unknown> }) | undefined;
  if (!schema || schema.hide || !isProtectedPath(route.url ?? "")) return;
  if (route.config?.ownToken) {
    route.schema = { ...schema, security: [] };
    return;
  }
  const method = [route.method].flat()[0] ?? "GET";
  const role = requiredRole(method, route.config?.minRole);
  const secured: Record<string, unknown> = {
    ...schema,
    description: schema.description ? `${schema.description}\n\n${roleText(role)}` : roleText(role),
    security: [{ [SECURITY_SCHEME]: [] }],
    "x-required-role": role,
    response: {
      ...schema.response,
      401: problemResponse("No API key, or one that is malformed, unknown, expired or revoked (`WWW-Authenticate: Bearer`)."),
      403: problemResponse(`The API key's role is not enough: this operation needs \`${role}\`.`),
    },
  };
  route.schema = secured;
}
