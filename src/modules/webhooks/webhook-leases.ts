import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";

type Logger = { warn(object: object, message: string): void };

/** A lease outlives the attempt timeout by this (at least 5 s, at most 30 s): time to record the attempt on a busy machine. */
export const leaseMarginMs = (timeoutMs: number) => Math.max(5_000, Math.min(30_000, timeoutMs));

/** How long a claim lasts unless renewed: the attempt timeout plus the margin. */
export const leaseMsFor = (timeoutMs: number) => timeoutMs + leaseMarginMs(timeoutMs);

/**
 * The leases one worker holds, renewed while the worker is alive, from the claim until the attempt is recorded.
 *
 * A lease that merely outlived the attempt timeout was not enough: recording the attempt can take longer (a
 * transaction waiting for a connection of a busy pool gives up after `maxWait`, a row lock is held elsewhere), and
 * a lease that ran out meanwhile let a second worker send the attempt again, a duplicate without any crash. So every
 * quarter of a lease the worker extends the leases it still holds (only while its claim is the current one: same
 * `attempts`, still pending), and another worker may take a delivery only when its lease holder has not renewed for
 * a whole lease: after a crash, or an event loop blocked for about three quarters of a lease (15 s by default), which
 * nobody can tell from a crash. Each renewal uses the database's clock, as the claim does.
 */
export function leaseKeeper(prisma: PrismaClient, leaseMs: number, log: Logger) {
  /** Delivery id -> the attempt number this worker claimed. */
  const held = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  async function renew() {
    if (held.size === 0) return;
    const claims = Prisma.join([...held].map(([id, attempts]) => Prisma.sql`(${id}::uuid, ${attempts}::int)`));
    try {
      await prisma.$executeRaw`
        UPDATE webhook_deliveries d SET leased_until = clock_timestamp() + ${leaseMs} * interval '1 millisecond'
        FROM (VALUES ${claims}) AS held(id, attempts)
        WHERE d.id = held.id AND d.attempts = held.attempts AND d.status = 'pending' AND d.leased_until IS NOT NULL`;
    } catch (error) {
      // The next renewal tries again, a quarter of a lease later.
      log.warn({ err: error }, "webhook leases not renewed");
    }
  }

  return {
    hold(id: string, attempts: number) {
      held.set(id, attempts);
      if (!timer) {
        timer = setInterval(() => void renew(), Math.max(1, Math.floor(leaseMs / 4)));
        timer.unref();
      }
    },
    release(id: string) {
      held.delete(id);
      if (held.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
  };
}
