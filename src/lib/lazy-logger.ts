import type { FastifyBaseLogger } from "fastify";
// Fastify does not re-export these two of pino's types; they are the arguments of its child logger factory.
type Bindings = Parameters<FastifyBaseLogger["child"]>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger["child"]>[1]>;

/** The parts of a pino logger read here: its level's number, and the number of each level's name. */
type Pino = FastifyBaseLogger & { levelVal: number; levels: { values: Record<string, number> } };
type Method = "fatal" | "error" | "warn" | "info" | "debug" | "trace";

/**
 * A request's logger that calls pino's `child()` when the request first logs a line at a level that is on. The lines
 * and their bindings are those of the child it stands for.
 */
class LazyChild implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;
  readonly #parent: Pino;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;

  constructor(parent: Pino, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #made(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  #log(method: Method, args: unknown[]) {
    if (this.#child === undefined) {
      // A route's own level (`logLevel`) if it has one, else the parent's as it is when the line is logged.
      const { levels, levelVal } = this.#parent;
      const threshold = this.#options.level === undefined ? levelVal : (levels.values[this.#options.level] ?? levelVal);
      if (levels.values[method]! < threshold) return;
    }
    (this.#made()[method] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#made().level = level;
  }

  fatal(...args: unknown[]) {
    this.#log("fatal", args);
  }
  error(...args: unknown[]) {
    this.#log("error", args);
  }
  warn(...args: unknown[]) {
    this.#log("warn", args);
  }
  info(...args: unknown[]) {
    this.#log("info", args);
  }
  debug(...args: unknown[]) {
    this.#log("debug", args);
  }
  trace(...args: unknown[]) {
    this.#log("trace", args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#made().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: each request's logger (bound to its request id) is made when the request first logs
 * a line, not for every request. At LOG_LEVEL=warn most requests log nothing, and pino's `child()` was 1 % of the
 * service's CPU on GET by id (bench, profile). A logger that is not pino's (Fastify's null logger when logging is
 * off) makes its children as before.
 */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const parent = logger as Pino;
  if (typeof parent.levelVal !== "number" || !parent.levels) return logger.child(bindings, options);
  return new LazyChild(parent, bindings, options);
}
