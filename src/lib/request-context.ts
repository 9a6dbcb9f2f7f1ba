/**
 * Who is making a request, and what it adds to its writes: set per request on `request.context` by
 * src/plugins/request-context.ts (the request id), the auth plugin (the actor) and the idempotency plugin (transaction
 * hooks). Passed explicitly from the route to the service methods that write (and from them to the audit log and
 * `withRequestHooks`); work that no request started (CLI scripts, seeding, the webhook worker) passes none.
 * Not an AsyncLocalStorage: one enabled in the process makes Node track every promise (about 12 % of a GET's CPU).
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
