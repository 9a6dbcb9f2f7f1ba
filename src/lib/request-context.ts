import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who is making the current request, available anywhere below a route handler (services, the audit log)
 * without threading it through every call: set per request by src/plugins/request-context.ts and the auth plugin.
 */

export type Role = "reader" | "editor" | "admin";

/** The API key a request authenticated with. */
export type Actor = { keyId: string; keyName: string; role: Role };

export type RequestContext = { requestId: string; actor?: Actor };

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The current request's context; undefined outside a request (CLI scripts, seeding). */
export const currentContext = (): RequestContext | undefined => requestContext.getStore();
