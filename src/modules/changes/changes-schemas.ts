import { z } from "zod";
import { INT32_MAX, Instant, PAGE_MAX_LIMIT, Uuid, int32, paginationQuery } from "../../lib/schemas.ts";
import { POSITION_MAX_DIGITS, isPosition } from "../../lib/change-feed.ts";
import { AUDIT_RESOURCE_TYPES, AuditAction } from "../audit-events/audit-events-schemas.ts";

/**
 * What the feed reports on: every record a reader can read (API keys are an admin matter, calendar feeds an editor's,
 * and both stay in the audit log).
 */
type NotInFeed = "api-keys" | "calendar-feeds";
export const CHANGE_RESOURCE_TYPES = AUDIT_RESOURCE_TYPES.filter((type) => type !== "api-keys" && type !== "calendar-feeds") as [
  Exclude<(typeof AUDIT_RESOURCE_TYPES)[number], NotInFeed>,
  ...Array<Exclude<(typeof AUDIT_RESOURCE_TYPES)[number], NotInFeed>>,
];

export const ChangeResourceType = z.enum(CHANGE_RESOURCE_TYPES).meta({
  id: "ChangeResourceType",
  description: "The collection of the changed record; sub-resources are named with their parent (`meeting-participants`, `media-publications`).",
  example: "meetings",
});

/** A feed position, as a decimal string (see src/lib/change-feed.ts: a stamp and a sequence number in one whole number). */
const POSITION = new RegExp(`^(0|[1-9]\\d{0,${POSITION_MAX_DIGITS - 1}})$`);
const POSITION_MAX_LENGTH = POSITION_MAX_DIGITS;

export const ChangeFeedPosition = z
  .string()
  .max(POSITION_MAX_LENGTH, "must be a position returned as `nextCursor`")
  // One rule, so that BigInt() only ever sees digits.
  .refine((value) => POSITION.test(value) && isPosition(BigInt(value)), "must be a position returned as `nextCursor` (a whole number)")
  .meta({ pattern: POSITION.source });

export const ChangeEvent = z
  .object({
    sequence: z
      .string()
      .max(POSITION_MAX_LENGTH)
      .meta({ pattern: POSITION.source, description: "The event's position in the feed: strictly increasing in feed order (changes of one record in the order they happened)." }),
    occurredAt: Instant.meta({ description: "When the change was written (UTC)." }),
    action: AuditAction,
    resourceType: ChangeResourceType,
    resourceId: Uuid.meta({ description: "The changed record's id." }),
    parentId: Uuid.nullable().meta({ description: "For a sub-resource: the owning record (the meeting of a participant, …)." }),
    version: int32(1, INT32_MAX).nullable().meta({ description: "The record's version after the change; at a delete, the version deleted." }),
    url: z
      .string()
      .max(200)
      .meta({ description: "Where the record is read (after a delete: where it was; it now answers 404).", example: "/v1/meetings/0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e" }),
    data: z
      .record(z.string().max(100), z.unknown())
      .nullable()
      .optional()
      .meta({
        description:
          "With `include=record` only: the record as it stood after the change (at a delete, as it was deleted), as GET answers it: the same `data` as the webhook payload. " +
          "Null for events recorded before the feed carried records, and for webhooks (admin-only records: read them at `url`).",
      }),
  })
  .meta({
    id: "ChangeEvent",
    description: "One committed change: which record, what happened to it and its version. Read the record at `url` for its state.",
    example: {
      sequence: "1042",
      occurredAt: "2026-11-29T12:00:00.000Z",
      action: "update",
      resourceType: "meetings",
      resourceId: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
      parentId: null,
      version: 3,
      url: "/v1/meetings/0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
    },
  });

export const ChangeFeedPage = z
  .object({
    data: z.array(ChangeEvent).max(PAGE_MAX_LIMIT),
    nextCursor: z
      .string()
      .max(POSITION_MAX_LENGTH)
      .meta({ pattern: POSITION.source, description: "Where to continue: pass it as `cursor` next time. Never null: at the end of the feed it is where new changes will appear." }),
    hasMore: z.boolean().meta({ description: "True when more changes are waiting right now: ask again at once. False: you are up to date; poll later." }),
  })
  .meta({ id: "ChangeFeedPage" });

export const ChangeFeedQuery = z.strictObject({
  limit: paginationQuery.limit,
  cursor: ChangeFeedPosition.optional().meta({ description: "The `nextCursor` of your last call; omit to start from the first change ever recorded." }),
  resourceType: ChangeResourceType.optional().meta({ description: "Only changes to this collection." }),
  include: z
    .enum(["record"], { error: "must be record" })
    .optional()
    .meta({ description: "`record`: each change carries the record as it stood after it (`data`), so no GET per change is needed." }),
});

export type ChangeEventDto = z.output<typeof ChangeEvent>;
export type ChangeFeedQueryInput = z.output<typeof ChangeFeedQuery>;
