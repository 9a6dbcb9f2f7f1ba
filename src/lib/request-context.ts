import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who is making the current request, available anywhere below a route handler (services, the audit log)
 * without threading it through every call: set per request by src/plugins/request-context.ts and the auth plugin.
 */

export type Role = "reader" | "editor" | "admin";

/** The API key a request authenticated with. */
export type Actor = { keyId: string; keyName: string; role: Role };

/**
 * Work a request adds to each interactive transaction it runs, inside it: the idempotency plugin marks its key as
 * committed at the start, in the same transaction as the write (src/plugins/idempotency.ts).
 */
export type TransactionHooks = {
  begin(tx: unknown): Promise<void>;
  end(tx: unknown, result: unknown): Promise<void>;
};

export type RequestContext = { requestId: string; actor?: Actor; transactionHooks?: TransactionHooks };

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The current request's context; undefined outside a request (CLI scripts, seeding). */
export const currentContext = (): RequestContext | undefined => requestContext.getStore();
