// A typed client for the Cluster Records API: openapi-fetch over the types openapi-typescript generates from the
// committed openapi.yaml (src/openapi.d.ts; `npm run openapi` regenerates it). The raw client is `client.api`; the
// helpers below add what every integrator otherwise writes by hand: problems as typed errors, ETag / If-Match,
// an Idempotency-Key on every POST, an async iterator over cursor pages, and CSV / ICS read as text.
import { randomUUID } from "node:crypto";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./openapi.d.ts";

export type { components, paths };
export type Schemas = components["schemas"];

// ---------------------------------------------------------------------------------------------------- problems

/** RFC 9457 problem details, as every 4xx/5xx answer carries them (`application/problem+json`). */
export type Problem = Schemas["Problem"];
export type ProblemCode = Problem["code"];
/** 412: `If-Match` named an old version; `currentEtag` is the one to send after re-reading. */
export type VersionMismatchProblem = Problem & { code: "version_mismatch"; currentVersion: number; currentEtag: string };
/** 409: the grant application cannot move to that status; `allowedTransitions` lists where it can. */
export type TransitionNotAllowedProblem = Problem & {
  code: "transition_not_allowed";
  currentStatus: Schemas["GrantApplicationStatus"];
  allowedTransitions: Array<Schemas["GrantApplicationStatus"]>;
};
/** 403: the key's role is too low; `requiredRole` is what the operation needs. */
export type ForbiddenProblem = Problem & { code: "forbidden"; requiredRole: Schemas["ApiKey"]["role"]; role: Schemas["ApiKey"]["role"] };
/** 409: the record is still referenced by others and cannot be deleted. */
export type StillReferencedProblem = Problem & { code: "still_referenced"; references: Record<string, number> };
type WithExtensions = VersionMismatchProblem | TransitionNotAllowedProblem | ForbiddenProblem | StillReferencedProblem;
/** Every problem, narrowed by `code`: `if (problem.code === "version_mismatch") problem.currentEtag`. */
export type ProblemDetails = WithExtensions | (Problem & { code: Exclude<ProblemCode, WithExtensions["code"]> });

/** Thrown by the helpers for every answer that is not a success; `problem` is the typed problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails,
    readonly response: Response,
  ) {
    super(`${status} ${problem.code}: ${problem.detail}`);
    this.name = "ApiError";
  }

  /** True (and narrows `problem`) when the problem has this `code`. */
  is<C extends ProblemCode>(code: C): this is ApiError & { problem: Extract<ProblemDetails, { code: C }> } {
    return this.problem.code === code;
  }
}

/** True when `error` is an ApiError with problem `code`, narrowing its `problem` to that kind. */
export function isProblem<C extends ProblemCode>(error: unknown, code: C): error is ApiError & { problem: Extract<ProblemDetails, { code: C }> } {
  return error instanceof ApiError && error.problem.code === code;
}

// ---------------------------------------------------------------------------------------------------- typing

type Method = "get" | "post" | "patch" | "delete";
type PathsFor<M extends Method> = { [P in keyof paths]: paths[P] extends Record<M, infer O> ? (O extends { responses: unknown } ? P : never) : never }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = paths[P] extends Record<M, infer O> ? O : never;
type Parameters_<O> = O extends { parameters: infer X } ? X : never;
/** The operation's parameters, with every header optional: the helpers send If-Match and Idempotency-Key themselves. */
type ParamsOf<O> = Omit<Parameters_<O>, "header" | "cookie"> & { header?: Partial<NonNullable<Parameters_<O> extends { header?: infer H } ? H : never>> };
type BodyOf<O> = O extends { requestBody?: { content: infer C } } ? (C extends { "application/json": infer B } ? B : never) : never;
type JsonOf<R> = R extends { content: { "application/json": infer D } } ? D : undefined;
type SuccessOf<O> = O extends { responses: infer R } ? (R extends { 200: infer S } ? JsonOf<S> : R extends { 201: infer S } ? JsonOf<S> : undefined) : never;
type HasRequired<T> = {} extends T ? false : true;
/** `{ params }` when the operation has path parameters (or other required ones), `{ params? }` otherwise. */
type Init<O> = (HasRequired<Omit<Parameters_<O>, "header" | "cookie">> extends true ? { params: ParamsOf<O> } : { params?: ParamsOf<O> }) & {
  headers?: Record<string, string>;
};
type BodyInit_<O> = [BodyOf<O>] extends [never] ? { body?: never } : { body: BodyOf<O> };

/** A list answer: a page of `data` and where to continue. The change feed also says whether more is waiting. */
type PageShape = { data: unknown[]; nextCursor: string | null; hasMore?: boolean };
type ListPaths = { [P in PathsFor<"get">]: SuccessOf<Operation<P, "get">> extends PageShape ? P : never }[PathsFor<"get">];
type ItemOf<P extends ListPaths> = SuccessOf<Operation<P, "get">> extends { data: Array<infer I> } ? I : never;

/** A success with the headers a client acts on. */
export type Answer<T> = { data: T; etag: string | undefined; response: Response };

// ---------------------------------------------------------------------------------------------------- client

export type ClusterRecordsClientOptions = {
  /** Where the API is, e.g. `https://records.example.org` (paths start with `/v1`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** A fetch to use instead of the global one. */
  fetch?: (input: Request) => Promise<Response>;
  /** Makes the Idempotency-Key of a POST that names none (default: a random UUID). */
  idempotencyKey?: () => string;
  /** Extra headers on every request (e.g. `Accept-Language: pl`). */
  headers?: Record<string, string>;
};

/** Adds `Idempotency-Key` to every POST that does not carry one, so that a retried create never makes a second record. */
export function idempotencyKeyMiddleware(makeKey: () => string = randomUUID): Middleware {
  return {
    onRequest({ request }) {
      if (request.method === "POST" && !request.headers.has("idempotency-key")) request.headers.set("idempotency-key", makeKey());
      return request;
    },
  };
}

export function createClusterRecordsClient(options: ClusterRecordsClientOptions) {
  const api: Client<paths, "application/json"> = createClient<paths, "application/json">({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: { ...options.headers, ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
  });
  api.use(idempotencyKeyMiddleware(options.idempotencyKey));

  /** One call through openapi-fetch; a problem becomes an ApiError. */
  async function call<T>(method: Method, path: string, init: Record<string, unknown>, parseAs: "json" | "text" = "json"): Promise<Answer<T>> {
    const { params, headers, body } = init as { params?: { header?: Record<string, unknown> }; headers?: Record<string, string>; body?: unknown };
    const request = { ...(params ? { params } : {}), ...(body !== undefined ? { body } : {}), headers: { ...headers }, parseAs };
    const { data, error, response } = await (api.request as (m: string, p: string, i: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(
      method,
      path,
      request,
    );
    if (!response.ok) {
      const problem = (error && typeof error === "object" ? error : { code: "internal_error", status: response.status, title: response.statusText, detail: String(error), type: "about:blank" }) as ProblemDetails;
      throw new ApiError(response.status, problem, response);
    }
    return { data: data as T, etag: response.headers.get("etag") ?? undefined, response };
  }

  return {
    /** The openapi-fetch client itself, for anything the helpers do not cover. */
    api,

    /** GET a record (or any JSON answer) with its ETag, to send back as If-Match. */
    getWithEtag<P extends PathsFor<"get">>(path: P, init: Init<Operation<P, "get">>): Promise<Answer<SuccessOf<Operation<P, "get">>>> {
      return call("get", path, init);
    },

    /**
     * POST (create, or a transition): sends an Idempotency-Key (a new one unless `idempotencyKey` names it; reuse it
     * to retry safely) and `If-Match` when given. The answer's `replayed` says the server answered a retry from its record.
     */
    async post<P extends PathsFor<"post">>(
      path: P,
      init: Init<Operation<P, "post">> & BodyInit_<Operation<P, "post">> & { idempotencyKey?: string; ifMatch?: string },
    ): Promise<Answer<SuccessOf<Operation<P, "post">>> & { location: string | undefined; replayed: boolean }> {
      const { idempotencyKey, ifMatch, ...rest } = init;
      const headers = { ...rest.headers, ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}), ...(ifMatch ? { "if-match": ifMatch } : {}) };
      const answer = await call<SuccessOf<Operation<P, "post">>>("post", path, { ...rest, headers });
      return { ...answer, location: answer.response.headers.get("location") ?? undefined, replayed: answer.response.headers.get("idempotent-replayed") === "true" };
    },

    /** PATCH (JSON Merge Patch) only if the record is still at `etag`; a stale one throws ApiError 412 `version_mismatch`. */
    updateIfMatch<P extends PathsFor<"patch">>(
      path: P,
      etag: string,
      init: Init<Operation<P, "patch">> & BodyInit_<Operation<P, "patch">>,
    ): Promise<Answer<SuccessOf<Operation<P, "patch">>>> {
      return call("patch", path, { ...init, headers: { ...init.headers, "if-match": etag } });
    },

    /** DELETE only if the record is still at `etag`. */
    async deleteIfMatch<P extends PathsFor<"delete">>(path: P, etag: string, init: Init<Operation<P, "delete">>): Promise<void> {
      await call("delete", path, { ...init, headers: { ...init.headers, "if-match": etag } });
    },

    /**
     * Every page of a list, following `nextCursor` until the last page (for the change feed: until `hasMore` is
     * false). Each page is yielded whole, so a caller can keep the last `nextCursor` (the change feed's position).
     */
    async *pages<P extends ListPaths>(path: P, init?: Init<Operation<P, "get">>): AsyncGenerator<SuccessOf<Operation<P, "get">>, void, undefined> {
      const base = (init ?? {}) as { params?: { query?: Record<string, unknown> }; headers?: Record<string, string> };
      let cursor = base.params?.query?.cursor as string | undefined;
      for (;;) {
        const params = { ...base.params, query: { ...base.params?.query, ...(cursor === undefined ? {} : { cursor }) } };
        const { data } = await call<PageShape>("get", path, { ...base, params });
        yield data as unknown as SuccessOf<Operation<P, "get">>;
        if (data.nextCursor === null || data.hasMore === false || data.data.length === 0) return;
        cursor = data.nextCursor;
      }
    },

    /** Every item of a list across its pages: `for await (const meeting of client.paginate("/v1/meetings")) ...`. */
    async *paginate<P extends ListPaths>(path: P, init?: Init<Operation<P, "get">>): AsyncGenerator<ItemOf<P>, void, undefined> {
      for await (const page of this.pages(path, init)) yield* (page as unknown as PageShape).data as Array<ItemOf<P>>;
    },

    /** A CSV or ICS answer as text (`/v1/activities/export.csv`, `/v1/meetings/calendar.ics`, or a list with `accept: text/csv`). */
    async getText<P extends PathsFor<"get">>(path: P, init: Init<Operation<P, "get">>): Promise<Answer<string>> {
      return call<string>("get", path, init, "text");
    },
  };
}

export type ClusterRecordsClient = ReturnType<typeof createClusterRecordsClient>;
