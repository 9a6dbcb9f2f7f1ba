import { databaseFault } from "../lib/prisma-errors.ts";
import type { RequestContext } from "../lib/request-context.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

/**
 * What every interactive transaction (`$transaction(async (tx) => ...)`) of the app gets, without any service
 * asking for it: a transaction that loses a deadlock (40P01) or a serialization check (40001) did nothing, as
 * PostgreSQL rolled it back so that another could go on. Running it again is what PostgreSQL's documentation asks of
 * the client, so it is retried, after a short random pause that keeps the two from colliding again. Only when the
 * retries are used up does the fault reach the client, as a 503. The callbacks of this service only read and write
 * through `tx` (a request's transaction hooks too: `withRequestHooks` below), so running one again repeats nothing
 * outside it.
 * Batch transactions (`$transaction([...])`) are passed through: their queries cannot be sent twice.
 */
export const TRANSACTION_ATTEMPTS = 3;

type Callback = (tx: unknown) => Promise<unknown>;

export function appTransactions(prisma: PrismaClient, attempts = TRANSACTION_ATTEMPTS): PrismaClient {
  const transaction = prisma.$transaction.bind(prisma) as (...args: unknown[]) => Promise<unknown>;
  const run = async (callback: Callback, ...rest: unknown[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(callback, ...rest);
      } catch (error) {
        if (attempt >= attempts || databaseFault(error) !== "conflict") throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 40 * attempt));
      }
    }
  };
  const $transaction = (first: unknown, ...rest: unknown[]) =>
    typeof first === "function" ? run(first as Callback, ...rest) : transaction(first, ...rest);
  return new Proxy(prisma, {
    get(target, property) {
      if (property === "$transaction") return $transaction;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * The callback of an interactive transaction a service opens for a request: the request's transaction hooks run
 * inside it, first and last (the idempotency plugin's claim is committed with the write it guards, or not at all),
 * on every attempt. Without a context (work no request started) or hooks, the callback itself.
 */
export function withRequestHooks<Tx, T>(context: RequestContext | undefined, callback: (tx: Tx) => Promise<T>): (tx: Tx) => Promise<T> {
  const hooks = context?.transactionHooks;
  if (!hooks) return callback;
  return async (tx) => {
    await hooks.begin(tx);
    const result = await callback(tx);
    await hooks.end(tx, result);
    return result;
  };
}
