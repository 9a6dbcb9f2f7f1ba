import pg from "pg";

/** What a listener is told: each notification's payload, and whether it is listening (notifications may be missed while not). */
export type NotificationHandlers = { onNotify(payload: string): void; onState(listening: boolean): void };

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * LISTEN on one dedicated connection to PostgreSQL, reconnected after it is lost (with a growing pause). A session
 * feature: through PgBouncer in transaction mode it needs a direct connection (DATABASE_LISTEN_URL). Hand-written
 * because it is this small; the one library for it (pg-listen) has not been maintained for years.
 * Resolves once the first attempt has ended, listening or not; the returned function stops for good.
 */
export async function listenPostgres(url: string, channel: string, handlers: NotificationHandlers): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;

  const lost = (failed: pg.Client) => {
    if (client !== failed) return;
    client = undefined;
    handlers.onState(false);
    failed.end().catch(() => undefined);
    if (stopped) return;
    timer = setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client = next;
    next.on("error", () => lost(next));
    next.on("end", () => lost(next));
    next.on("notification", (message) => {
      if (message.channel === channel) handlers.onNotify(message.payload ?? "");
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      lost(next);
      return;
    }
    if (stopped) return void next.end().catch(() => undefined);
    retryMs = RETRY_MIN_MS;
    handlers.onState(true);
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const last = client;
    client = undefined;
    await last?.end().catch(() => undefined);
  };
}
