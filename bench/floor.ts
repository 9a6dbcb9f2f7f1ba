// The same V8 settings as the service (src/v8-flags.ts), so that the two differ only in what they do per request.
import "../src/v8-flags.ts";
import Fastify from "fastify";
import pg from "pg";
import { foldText, searchTerms } from "../src/lib/search-text.ts";

/**
 * The floor: bare Fastify + node-postgres serving the same rows from the same tables in the same JSON shape, with
 * none of the service's machinery (no authentication, ETag, rate limit, metrics, validation schemas or Prisma).
 * Reads are one query each. Each write is ONE statement that makes the change and inserts an audit-like row into
 * audit_events (a data-modifying CTE), which is the least a write with an audit trail can cost.
 * Run by bench/run.ts as a child process: PORT and DATABASE_URL in the environment.
 */

type Row = Record<string, any>;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify();

const iso = (value: Date | null) => (value ? value.toISOString() : null);
const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);

const coordinator = (row: Row) => ({
  id: row.id,
  name: row.name,
  shortName: row.short_name,
  legalForm: row.legal_form,
  krs: row.krs,
  nip: row.nip,
  regon: row.regon,
  address: row.city === null ? null : { street: row.street, postalCode: row.postal_code, city: row.city, country: row.country ?? "PL" },
  website: row.website,
  email: row.email,
  phone: row.phone,
  mandateBasis: row.mandate_basis,
  mandateDate: day(row.mandate_date),
  version: row.version,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const cluster = (row: Row) => ({
  id: row.id,
  name: row.name,
  shortName: row.short_name,
  sectors: row.sectors,
  description: row.description,
  foundingAgreementDate: day(row.founding_agreement_date),
  coordinatorId: row.coordinator_id,
  version: row.version,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const activity = (row: Row) => ({
  id: row.id,
  coordinatorId: row.coordinator_id,
  clusterId: row.cluster_id,
  title: row.title,
  description: row.description,
  category: row.category,
  status: row.status,
  year: row.year,
  startDate: day(row.start_date),
  endDate: day(row.end_date),
  version: row.version,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString("base64url");
const valuesOf = (cursor: string) => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];

type ListQuery = { limit?: string; cursor?: string; q?: string; include?: string };

/** `?q=` words as LIKE conditions on search_text, from parameter `$first` on. */
function searchConditions(q: string | undefined, first: number) {
  const terms = q ? searchTerms(q) : [];
  return { sql: terms.map((_, i) => `search_text LIKE $${first + i}`), params: terms.map((term) => `%${term.replace(/[\\%_]/g, "\\$&")}%`) };
}

app.get("/health/live", async () => ({ status: "ok" }));

app.get<{ Params: { id: string } }>("/v1/coordinators/:id", async (request, reply) => {
  const { rows } = await pool.query("SELECT * FROM coordinators WHERE id = $1", [request.params.id]);
  if (rows.length === 0) return reply.code(404).send({ title: "Not Found" });
  return coordinator(rows[0]);
});

app.get<{ Querystring: ListQuery }>("/v1/coordinators", async (request) => {
  const limit = Number(request.query.limit ?? 25);
  const search = searchConditions(request.query.q, 2);
  const where = [...search.sql];
  const params: unknown[] = [limit + 1, ...search.params];
  if (request.query.cursor) {
    params.push(...valuesOf(request.query.cursor));
    where.push(`(name, id) > ($${params.length - 1}, $${params.length})`);
  }
  const { rows } = await pool.query(
    `SELECT * FROM coordinators ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY name, id LIMIT $1`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(coordinator), nextCursor: rows.length > limit && last ? cursorOf([last.name, last.id]) : null };
});

app.get<{ Querystring: ListQuery }>("/v1/clusters", async (request) => {
  const limit = Number(request.query.limit ?? 25);
  const { rows } = await pool.query(
    `SELECT cl.*, to_jsonb(co) AS coordinator FROM clusters cl JOIN coordinators co ON co.id = cl.coordinator_id ORDER BY cl.name, cl.id LIMIT $1`,
    [limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const embed = (json: Row) => coordinator({ ...json, created_at: new Date(json.created_at), updated_at: new Date(json.updated_at), mandate_date: null });
  return {
    data: page.map((row) => ({ ...cluster(row), coordinator: embed(row.coordinator) })),
    nextCursor: rows.length > limit && last ? cursorOf([last.name, last.id]) : null,
  };
});

app.get<{ Querystring: ListQuery }>("/v1/activities", async (request) => {
  const limit = Number(request.query.limit ?? 25);
  const search = searchConditions(request.query.q, 2);
  const { rows } = await pool.query(
    `SELECT * FROM activities ${search.sql.length ? `WHERE ${search.sql.join(" AND ")}` : ""} ORDER BY year, start_date NULLS LAST, id LIMIT $1`,
    [limit + 1, ...search.params],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(activity), nextCursor: rows.length > limit && last ? cursorOf([last.year, last.start_date, last.id]) : null };
});

/** The audit-like row every write adds, as one more CTE of the write's statement. */
const AUDIT = (action: string, type: string) =>
  `audit AS (INSERT INTO audit_events (id, action, resource_type, resource_id, version, changes)
     SELECT gen_random_uuid(), '${action}', '${type}', id, version, to_jsonb(changed) FROM changed)`;

type CoordinatorBody = { name: string; shortName?: string | null; address?: { street?: string | null; postalCode?: string | null; city: string; country: string } };

app.post<{ Body: CoordinatorBody }>("/v1/coordinators", async (request, reply) => {
  const { name, shortName = null, address } = request.body;
  const { rows } = await pool.query(
    `WITH changed AS (
       INSERT INTO coordinators (id, name, short_name, street, postal_code, city, country, search_text, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, now()) RETURNING *
     ), ${AUDIT("create", "coordinators")}
     SELECT * FROM changed`,
    [name, shortName, address?.street ?? null, address?.postalCode ?? null, address?.city ?? null, address?.country ?? null, foldText(`${name} ${address?.city ?? ""}`)],
  );
  return reply.code(201).header("location", `/v1/coordinators/${rows[0].id}`).send(coordinator(rows[0]));
});

app.patch<{ Params: { id: string }; Body: { name: string } }>("/v1/coordinators/:id", async (request, reply) => {
  const version = Number(/\.v(\d+)"$/.exec(String(request.headers["if-match"]))?.[1]);
  const { rows } = await pool.query(
    `WITH changed AS (
       UPDATE coordinators SET name = $3, search_text = $4, version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 RETURNING *
     ), ${AUDIT("update", "coordinators")}
     SELECT * FROM changed`,
    [request.params.id, version, request.body.name, foldText(request.body.name)],
  );
  if (rows.length === 0) return reply.code(412).send({ title: "Precondition Failed" });
  return reply.header("etag", `"${rows[0].id}.v${rows[0].version}"`).send(coordinator(rows[0]));
});

app.post<{ Params: { id: string }; Body: { to: string; on?: string | null; note?: string | null } }>(
  "/v1/grant-applications/:id/transitions",
  async (request, reply) => {
    const { to, on = null, note = null } = request.body;
    const { rows } = await pool.query(
      `WITH changed AS (
         UPDATE grant_applications SET status = $2::grant_application_status, status_changed_on = $3::date, version = version + 1, updated_at = now()
         WHERE id = $1 AND status = 'draft' RETURNING *
       ), history AS (
         INSERT INTO grant_application_status_changes (id, grant_application_id, from_status, to_status, "on", note)
         SELECT gen_random_uuid(), id, 'draft', status, status_changed_on, $4 FROM changed
       ), ${AUDIT("transition", "grant-applications")}
       SELECT * FROM changed`,
      [request.params.id, to, on, note],
    );
    if (rows.length === 0) return reply.code(409).send({ title: "Conflict" });
    const row = rows[0];
    return { id: row.id, title: row.title, applicantId: row.applicant_id, status: row.status, statusChangedOn: day(row.status_changed_on), version: row.version, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
  },
);

await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
process.once("SIGINT", () => void app.close().then(() => process.exit(0)));
