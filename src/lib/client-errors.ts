import { randomUUID } from "node:crypto";
import { problemText, type DetailMessage } from "./messages/problems.ts";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { API_SECURITY_HEADERS } from "../plugins/security-headers.ts";
import { problemBody, type ProblemCode } from "./problem.ts";

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (Fastify's `clientErrorHandler`): a request line or
 * headers over 16 KB (431), bytes HTTP does not allow (a bare CR, LF or NUL in a header, two Content-Lengths,
 * Transfer-Encoding with Content-Length: 400), or headers that never arrived within REQUEST_TIMEOUT_MS (408).
 * The answer is a problem like every other, with a request id and the security headers; and since the parser cannot
 * find where the next request on the connection would begin, it says `Connection: close` and ends the connection
 * gracefully (Fastify's default destroyed it, so a client's next request on it got ECONNRESET).
 */

// In English: the parser refused the request before its Accept-Language could be read.
const CLIENT_ERRORS: Record<string, { code: ProblemCode; detail: DetailMessage }> = {
  HPE_HEADER_OVERFLOW: { code: "headers_too_large", detail: problemText("headersTooLarge") },
  ERR_HTTP_REQUEST_TIMEOUT: { code: "request_incomplete", detail: problemText("requestNotReceived") },
};

const MALFORMED = { code: "malformed_request" as const, detail: problemText("notHttp") };

export function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; head: string; body: string } {
  const { code, detail } = CLIENT_ERRORS[error.code ?? ""] ?? MALFORMED;
  const requestId = randomUUID();
  const problem = problemBody(code, detail, { requestId });
  const body = JSON.stringify(problem);
  const headers: Record<string, string> = {
    "content-type": "application/problem+json; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
    "x-request-id": requestId,
    ...API_SECURITY_HEADERS,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return { status: problem.status, head: `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${lines.join("")}\r\n`, body };
}

export function handleClientError(this: { log: FastifyBaseLogger }, error: NodeJS.ErrnoException, socket: Socket) {
  // The client went away: nobody to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const answer = clientErrorAnswer(error);
  this.log.debug({ err: error, status: answer.status }, "request refused by the HTTP parser");
  if (socket.writable) socket.end(answer.head + answer.body);
  else socket.destroy();
}
