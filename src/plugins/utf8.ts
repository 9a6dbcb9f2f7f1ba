import fp from "fastify-plugin";
import { problemText } from "../lib/messages/problems.ts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, pointerSegment, type FieldError } from "../lib/problem.ts";
import { badStringPaths } from "./http.ts";

/**
 * The API reads text as UTF-8 only (RFC 8259 §8.1 requires it of JSON exchanged between systems).
 * - A JSON body declared in another charset (`charset=utf-16`, `iso-8859-2`) is a 415: it was never going to be
 *   read as what the client meant.
 * - Bytes that are not UTF-8, in a body or in a percent-encoded query string, are a 400. Decoding them leniently (as
 *   Fastify's string parser does) would store U+FFFD in their place without a word.
 * - So is a JSON escape that spells half of a surrogate pair (`"\ud800"`): no UTF-8 can carry it, and PostgreSQL would
 *   store U+FFFD in its place (or, inside a JSON column, refuse the whole write). The 400 names each such member.
 */

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType ? CHARSET.exec(contentType) : null;
  return match ? (match[1] ?? match[2] ?? "") : undefined;
}

const isUtf8Charset = (charset: string) => /^utf-?8$/i.test(charset);

/** The names of the query parameters whose name or value, percent-decoded, is not UTF-8. */
function nonUtf8QueryParameters(url: string): string[] {
  const start = url.indexOf("?");
  if (start < 0 || !url.includes("%", start)) return [];
  const bad: string[] = [];
  for (const pair of url.slice(start + 1).split("&")) {
    if (!pair.includes("%")) continue;
    const equals = pair.indexOf("=");
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? "" : pair.slice(equals + 1);
    const decodedName = decode(name);
    if (decodedName === undefined || decode(value) === undefined) bad.push(decodedName ?? name);
  }
  return bad;
}

/** Percent-decodes as UTF-8; undefined when the bytes are not UTF-8. A `%` not followed by two hex digits is literal. */
function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll("+", " ").replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    return undefined;
  }
}

/** Only an escape can put half of a surrogate pair in a body whose bytes are UTF-8: `\uD800`..`\uDFFF`. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

// String.prototype.isWellFormed (ES2024, Node 20): false for a string with half of a surrogate pair.
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

function parseJsonBody(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser("error", "error");
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const charset = charsetOf(request.headers["content-type"]);
    if (charset !== undefined && !isUtf8Charset(charset)) {
      const shown = charset.replace(/[^\w.:-]/g, "").slice(0, 40);
      done(new ApiError("unsupported_media_type", problemText("charsetNotUtf8", { charset: shown })));
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      done(new ApiError("malformed_request", problemText("bodyNotUtf8")));
      return;
    }
    if (!SURROGATE_ESCAPE.test(text)) return parseJson(request, text, done);
    parseJson(request, text, (error, value) => {
      if (error) return done(error);
      let paths: string[];
      try {
        // Member names too: a name can hold half a pair as well. Nested too deep is the http plugin's 400.
        paths = badStringPaths(value, (part) => !isWellFormed(part), true);
      } catch (tooDeep) {
        return done(tooDeep as Error);
      }
      if (paths.length === 0) return done(null, value);
      const errors: FieldError[] = paths.map((path) => ({ path, message: "must be Unicode text: it holds half of a surrogate pair", location: "body" }));
      done(new ApiError("validation_failed", problemText("validationFailed", { count: errors.length }), { errors }));
    });
  };
}

async function utf8Plugin(app: FastifyInstance) {
  // As buffers, so that the bytes are checked before anything decodes them.
  const parser = parseJsonBody(app);
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parser);
  // RFC 7396 bodies are JSON, parsed by the same safe parser (it rejects __proto__ and constructor keys).
  app.addContentTypeParser("application/merge-patch+json", { parseAs: "buffer" }, parser);

  app.addHook("preValidation", (request, _reply, done) => {
    const names = nonUtf8QueryParameters(request.url);
    if (names.length === 0) return done();
    const errors: FieldError[] = names.map((name) => ({
      path: `/${pointerSegment(name)}`,
      message: "is not valid UTF-8 once percent-decoded",
      location: "query",
    }));
    throw new ApiError("validation_failed", problemText("validationFailed", { count: errors.length }), { errors });
  });
}

export default fp(utf8Plugin, { name: "utf8" });
