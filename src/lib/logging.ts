import type { FastifyServerOptions } from "fastify";

/**
 * The service's JSON log lines: the request id on each, and no secret in any. Authorization and cookie headers are
 * redacted, and so are query parameters that carry credentials: the API refuses a key sent in the URL, but a
 * client that tries still must not find it in the logs (`?api_key=…` was logged verbatim in `req.url`).
 */

/** Query parameters whose values are secrets, compared in lower case. */
export const SECRET_QUERY_PARAMETERS = new Set(["api_key", "apikey", "api-key", "access_token", "key", "token", "password", "secret", "client_secret"]);

const REDACTED = "[redacted]";

const decodedName = (name: string) => {
  try {
    return decodeURIComponent(name.replaceAll("+", " ")).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
};

/** A calendar feed's token in a path (`/v1/calendar-feeds/crf_….ics`): the link is the credential. */
const FEED_TOKEN_IN_PATH = /\/crf_[^/?.]*/g;

/** `url` with calendar feed tokens and the values of secret query parameters replaced by `[redacted]`; everything else as sent. */
export function redactUrl(sent: string): string {
  const url = sent.replace(FEED_TOKEN_IN_PATH, `/crf_${REDACTED}`);
  const start = url.indexOf("?");
  if (start < 0) return url;
  const query = url
    .slice(start + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return SECRET_QUERY_PARAMETERS.has(decodedName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join("&");
  return `${url.slice(0, start)}?${query}`;
}

type LoggedRequest = { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } };

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): NonNullable<FastifyServerOptions["logger"]> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-api-key"]'], censor: REDACTED },
    serializers: {
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.hostname,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
