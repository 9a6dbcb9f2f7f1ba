import type { ChildProcess } from "node:child_process";
import type autocannon from "autocannon";

/** One server under test: the service or the floor (bench/floor.ts). */
export type Side = {
  name: "floor" | "service";
  url: string;
  child: ChildProcess;
  headers: Record<string, string>;
  /** Coordinator ids this side reads and updates (the two sides update disjoint ones). */
  ids: string[];
  /** The cursor of the page `depth` pages deep (sort by name, 25 a page). */
  deepCursor: string;
};

type Requests = { requests: autocannon.Request[] };

type Context = { depth: number; versions: Map<string, number>; drafts: string[] };

export type Scenario = {
  id: string;
  title: (context: Context) => string;
  connections?: number;
  options: (side: Side, context: Context) => Requests;
};

/** Requests that each take the next value of `values` (round robin) into the path. */
function rotating(side: Side, values: readonly string[], request: (value: string) => autocannon.Request): Requests {
  let next = 0;
  return {
    requests: [
      {
        setupRequest: (raw: autocannon.Request) => ({ ...raw, headers: side.headers, ...request(values[next++ % values.length]!) }),
      },
    ],
  };
}

const get = (side: Side, path: string): Requests => ({ requests: [{ method: "GET", path, headers: side.headers }] });

let created = 0;

export const SCENARIOS: Scenario[] = [
  { id: "get", title: () => "GET /v1/coordinators/{id}", options: (side) => rotating(side, side.ids, (id) => ({ method: "GET", path: `/v1/coordinators/${id}` })) },
  { id: "list25", title: () => "GET /v1/coordinators?limit=25", options: (side) => get(side, "/v1/coordinators?limit=25") },
  { id: "list100", title: () => "GET /v1/coordinators?limit=100", options: (side) => get(side, "/v1/coordinators?limit=100") },
  {
    id: "include",
    title: () => "GET /v1/clusters?limit=25&include=coordinator",
    options: (side) => get(side, "/v1/clusters?limit=25&include=coordinator"),
  },
  {
    id: "deep",
    title: ({ depth }) => `GET /v1/coordinators?limit=25, ${depth} pages deep`,
    options: (side) => get(side, `/v1/coordinators?limit=25&cursor=${side.deepCursor}`),
  },
  { id: "q1", title: () => "GET /v1/coordinators?q=wisniewski", options: (side) => get(side, "/v1/coordinators?limit=25&q=wisniewski") },
  {
    id: "q2",
    title: () => "GET /v1/activities?q=zulawska chlodnia",
    options: (side) => get(side, "/v1/activities?limit=25&q=zulawska%20chlodnia"),
  },
  {
    id: "create",
    title: () => "POST /v1/coordinators",
    options: (side) =>
      rotating(side, ["Gdańsk", "Łódź", "Kraków", "Wrocław", "Szczecin"], (city) => ({
        method: "POST",
        path: "/v1/coordinators",
        body: JSON.stringify({
          name: `Żuławska Chłodnia Wiśniewski ${++created} Sp. z o.o.`,
          shortName: null,
          address: { street: "ul. Długa 5", postalCode: "80-831", city, country: "PL" },
        }),
      })),
  },
  {
    id: "create16",
    title: () => "POST /v1/coordinators, 16 clients",
    connections: 16,
    options: (side) => SCENARIOS.find((scenario) => scenario.id === "create")!.options(side, { depth: 0, versions: new Map(), drafts: [] }),
  },
  {
    id: "update",
    title: () => "PATCH /v1/coordinators/{id} with If-Match",
    options: (side, { versions }) => {
      const [request] = rotating(side, side.ids, (id) => ({
        method: "PATCH",
        path: `/v1/coordinators/${id}`,
        headers: { ...side.headers, "if-match": `"${id}.v${versions.get(id)}"` },
        body: JSON.stringify({ name: `Pomorska Stocznia Łukasiewicz v${(versions.get(id) ?? 0) + 1}` }),
      })).requests;
      // The next If-Match of a record is the ETag of its last answer.
      const onResponse = (_status: number, _body: string, _context: unknown, headers?: Record<string, string | string[] | undefined>) => {
        const match = /^"(.+)\.v(\d+)"$/.exec(String(headers?.etag ?? ""));
        if (match) versions.set(match[1]!, Number(match[2]));
      };
      return { requests: [{ ...request, onResponse }] };
    },
  },
  {
    id: "transition",
    title: () => "POST /v1/grant-applications/{id}/transitions",
    options: (side, { drafts }) =>
      rotating(side, drafts, (id) => ({
        method: "POST",
        path: `/v1/grant-applications/${id}/transitions`,
        body: JSON.stringify({ to: "submitted", on: "2026-12-01", note: "Złożono w terminie" }),
      })),
  },
];
