import type { GrantApplicationStatusChange as StatusChangeRow, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { problemText } from "../../lib/messages/problems.ts";
import { withRequestHooks } from "../../db/transactions.ts";
import { recordAudit } from "../../lib/audit.ts";
import { dateOnlyFromDb, optionalDateFromDb, optionalDateToDb } from "../../lib/dates.ts";
import { assertIfMatch } from "../../lib/etag.ts";
import { paginate } from "../../lib/pagination.ts";
import { ApiError, notFound } from "../../lib/problem.ts";
import { atVersion, lostRace, type Tx } from "../../lib/records.ts";
import type { RequestContext } from "../../lib/request-context.ts";
import {
  allowedTransitions,
  type GrantApplicationStatusChangeDto,
  type GrantApplicationStatusHistoryQueryInput,
  type GrantApplicationStatusValue,
  type GrantApplicationTransitionInput,
} from "./grant-application-status-schemas.ts";
import { PARTNERS_IN_ORDER, toGrantApplicationRecord } from "./grant-applications-mapper.ts";

export function toGrantApplicationStatusChangeDto(row: StatusChangeRow): GrantApplicationStatusChangeDto {
  return {
    id: row.id,
    from: row.fromStatus,
    to: row.toStatus,
    on: optionalDateFromDb(row.on),
    note: row.note,
    createdAt: row.createdAt.toISOString(),
  };
}

function transitionNotAllowed(from: GrantApplicationStatusValue, to: GrantApplicationStatusValue) {
  const allowed = allowedTransitions(from);
  return new ApiError("transition_not_allowed", problemText("transitionNotAllowed", { from, to, allowed }), {
    extensions: { currentStatus: from, allowedTransitions: allowed },
  });
}

/** The oldest first: by the time each change was recorded (kept strictly increasing per application), then id. */
const HISTORY_ORDER = [{ field: "createdAt", direction: "asc" as const }];

export function grantApplicationStatusService(prisma: PrismaClient) {
  return {
    /**
     * Moves an application along its lifecycle and appends the change to its history, in one transaction.
     * The row is locked first, so two concurrent transitions are judged one after the other (the second sees the
     * first's status) instead of one failing as a lost race.
     */
    async transition(id: string, body: GrantApplicationTransitionInput, ifMatch: string | undefined, context?: RequestContext) {
      const row = await prisma.$transaction(withRequestHooks(context, async (tx: Tx) => {
        await tx.$queryRaw`SELECT id FROM grant_applications WHERE id = ${id}::uuid FOR UPDATE`;
        const current = await tx.grantApplication.findUnique({ where: { id } });
        if (!current) throw notFound("grant application", id);
        if (ifMatch !== undefined) assertIfMatch(ifMatch, current);
        if (!allowedTransitions(current.status).includes(body.to)) throw transitionNotAllowed(current.status, body.to);

        const on = optionalDateToDb(body.on);
        if (on) {
          const lastDated = await tx.grantApplicationStatusChange.findFirst({
            where: { grantApplicationId: id, on: { not: null } },
            orderBy: [{ on: "desc" }],
          });
          if (lastDated?.on && on < lastDated.on) {
            const previous = dateOnlyFromDb(lastDated.on);
            throw new ApiError("validation_failed", problemText("transitionDatedTooEarly", { status: lastDated.toStatus, date: previous }), {
              errors: [{ path: "/on", message: `must not be before ${previous}, the date of the previous status change`, location: "body" }],
            });
          }
        }

        const { count } = await tx.grantApplication.updateMany({
          where: atVersion(current),
          data: {
            status: body.to,
            statusChangedOn: on,
            ...(body.to === "submitted" && current.submittedOn === null && on ? { submittedOn: on } : {}),
            version: { increment: 1 },
          },
        });
        if (count === 0) throw lostRace("grant application");

        // Clocks and millisecond timestamps can tie; the history's order must not.
        const latest = await tx.grantApplicationStatusChange.findFirst({ where: { grantApplicationId: id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
        const now = new Date();
        const createdAt = latest && latest.createdAt >= now ? new Date(latest.createdAt.getTime() + 1) : now;
        await tx.grantApplicationStatusChange.create({
          data: { grantApplicationId: id, fromStatus: current.status, toStatus: body.to, on, note: body.note ?? null, createdAt },
        });
        const updated = (await tx.grantApplication.findUnique({ where: { id }, include: PARTNERS_IN_ORDER }))!;
        const lifecycle = (application: typeof current) => ({
          status: application.status,
          statusChangedOn: optionalDateFromDb(application.statusChangedOn),
          submittedOn: optionalDateFromDb(application.submittedOn),
        });
        await recordAudit(tx, {
          action: "transition",
          resourceType: "grant-applications",
          resourceId: id,
          version: updated.version,
          before: lifecycle(current),
          after: lifecycle(updated),
          data: toGrantApplicationRecord(updated),
        }, context);
        return updated;
      }));
      return toGrantApplicationRecord(row);
    },

    async history(id: string, query: GrantApplicationStatusHistoryQueryInput) {
      if ((await prisma.grantApplication.count({ where: { id } })) === 0) throw notFound("grant application", id);
      const { rows, nextCursor } = await paginate({
        fields: { createdAt: { type: "datetime" } },
        sort: HISTORY_ORDER,
        limit: query.limit,
        cursor: query.cursor,
        where: { grantApplicationId: id },
        findMany: (args) => prisma.grantApplicationStatusChange.findMany(args as Prisma.GrantApplicationStatusChangeFindManyArgs),
      });
      return { data: rows.map(toGrantApplicationStatusChangeDto), nextCursor };
    },
  };
}
