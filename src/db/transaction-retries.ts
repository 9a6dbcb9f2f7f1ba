import { databaseFault } from "../lib/prisma-errors.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

/**
 * A transaction that loses a deadlock (40P01) or a serialization check (40001) did nothing: PostgreSQL rolled it back
 * so that another could go on. Running it again is what PostgreSQL's documentation asks of the client, so an
 * interactive transaction (`$transaction(async (tx) => ...)`) is retried a few times, after a short random pause that
 * keeps the two from colliding again. Only when the retries are used up does the fault reach the client, as a 503.
 * The callbacks of this service only read and write through `tx`, so running one again repeats nothing outside it.
 * (Batch transactions, `$transaction([...])`, are not retried: their queries cannot be sent twice.)
 */
export const TRANSACTION_ATTEMPTS = 3;

export function retryingTransactions(prisma: PrismaClient, attempts = TRANSACTION_ATTEMPTS): PrismaClient {
  const transaction = prisma.$transaction.bind(prisma) as (...args: unknown[]) => Promise<unknown>;
  const retried = async (...args: unknown[]) => {
    if (typeof args[0] !== "function") return transaction(...args);
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(...args);
      } catch (error) {
        if (attempt >= attempts || databaseFault(error) !== "conflict") throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 40 * attempt));
      }
    }
  };
  return new Proxy(prisma, {
    get(target, property) {
      if (property === "$transaction") return retried;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
