import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

/**
 * Prisma's query interpreter loads relations concurrently (`Promise.all` over the child queries of an `include`). Inside
 * an interactive transaction they all go to the transaction's one pg connection, where node-postgres queues them and
 * warns, once per process, that "Calling client.query() when the client is already executing a query is deprecated
 * and will be removed in pg@9.0" (seen at start-up, in db:seed and db:migrate). One connection runs one query at a
 * time anyway, so queueing them here instead changes nothing but the warning — and keeps working on pg 9.
 */
export function serialTransactions(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return override(factory, {
    async connect() {
      const adapter = await factory.connect();
      return override<SqlDriverAdapter>(adapter, {
        async startTransaction(isolationLevel) {
          return oneQueryAtATime(await adapter.startTransaction(isolationLevel));
        },
      });
    },
  });
}

function oneQueryAtATime(transaction: Transaction): Transaction {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };
  return override(transaction, {
    queryRaw: (query: SqlQuery) => queued(() => transaction.queryRaw(query)),
    executeRaw: (query: SqlQuery) => queued(() => transaction.executeRaw(query)),
  });
}

/** `target` with some methods replaced; every other member (methods bound to `target`) passes through. */
function override<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}
