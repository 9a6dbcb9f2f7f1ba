import { randomUUID } from "node:crypto";
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

const CLIENT_ERRORS: Record<string, { code: ProblemCode; detail: string }> = {
  HPE_HEADER_OVERFLOW: { code: "headers_too_large", detail: "The request line and headers together exceed 16 KB; send a shorter URL or fewer, smaller headers." },
  ERR_HTTP_REQUEST_TIMEOUT: { code: "request_incomplete", detail: "The request was not received in full in time; nothing was done. Send it again." },
};

const MALFORMED = { code: "malformed_request" as const, detail: "The request is not valid HTTP/1.1 (for example a bare CR, LF or NUL in a header, or conflicting Content-Length and Transfer-Encoding)." };

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
