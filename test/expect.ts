import type { LightMyRequestResponse } from "fastify";
import type { Test } from "tap";

/** Assertions shared by the tests, beside test/helper.ts. Not a test file itself (.taprc only runs *.test.ts). */

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Problem = { type: string; title: string; status: number; detail: string; code: string; errors?: Array<{ path: string; message: string }> } & Record<string, unknown>;

/**
 * A problem+json answer with exactly this status and code; with `paths`, `errors[].path` must be exactly that set.
 */
export function expectProblem(t: Test, res: LightMyRequestResponse, status: number, code: string, paths?: string[]): Problem {
  t.equal(res.statusCode, status, `status ${status} (${code})`, { body: res.body });
  t.match(res.headers["content-type"], /^application\/problem\+json/, "problem content type");
  const body = res.json() as Problem;
  t.equal(body.code, code, "problem code");
  t.equal(body.status, status, "status in the body");
  t.equal(body.type, `/problems/${code}`, "problem type");
  if (paths) t.same([...new Set((body.errors ?? []).map((e) => e.path))].sort(), [...paths].sort(), `errors[].path = ${paths.join(", ")}`);
  return body;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The URL of a `Link: <url>; rel="next"` header as a path + query to inject, or undefined when absent. */
export function nextLinkOf(t: Test, res: LightMyRequestResponse): string | undefined {
  const link = res.headers.link;
  if (link === undefined) return undefined;
  const match = /^<([^>]+)>; rel="next"$/.exec(String(link));
  t.ok(match, `Link header has the RFC 8288 form: ${String(link)}`);
  // Relative unless a public base URL is configured: resolved against the request, as RFC 8288 says.
  const url = new URL(match![1]!, "http://base.invalid");
  return url.pathname + url.search;
}

/** Orders records the way the API promises: by the given keys, then by id ascending. */
export function byKeys<T extends { id: string }>(keys: Array<{ key: (row: T) => string | null; desc?: boolean }>) {
  return (a: T, b: T): number => {
    for (const { key, desc } of keys) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      // Nulls last ascending, first descending (PostgreSQL's default).
      if (x === null) return desc ? -1 : 1;
      if (y === null) return desc ? 1 : -1;
      const cmp = x < y ? -1 : 1;
      return desc ? -cmp : cmp;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
