import { z } from "zod";
import { Instant, Timestamp, Uuid, outText, page, paginationQuery, recordMeta, sortQuery, text } from "../../lib/schemas.ts";
import { API_KEY_LENGTH, API_KEY_PREFIX_LENGTH } from "./api-keys-service.ts";

export const API_KEY_ROLES = ["reader", "editor", "admin"] as const;

export const ApiKeyRole = z
  .enum(API_KEY_ROLES, { error: "must be reader, editor or admin" })
  .meta({ description: "reader: GET only; editor: also create, update, delete and transition records; admin: everything, including API keys." });

/** Also the bound of an audit event's `keyName`. */
export const API_KEY_NAME_MAX = 200;

export const ApiKeyCreate = z
  .strictObject({
    name: text(API_KEY_NAME_MAX).meta({ description: "What the key is for, e.g. who or which system holds it.", example: "raporty miesięczne (odczyt)" }),
    role: ApiKeyRole,
    expiresAt: Timestamp.nullish()
      .refine((value) => value == null || new Date(value).getTime() > Date.now(), "must be in the future")
      .meta({ description: "When the key stops working (RFC 3339 with offset, in the future); omitted or null: never.", "x-future": true, example: "2030-01-01T00:00:00+01:00" }),
  })
  .meta({ id: "ApiKeyCreate", example: { name: "raporty miesięczne (odczyt)", role: "reader", expiresAt: "2030-01-01T00:00:00+01:00" } });

const apiKeyFields = {
  id: recordMeta.id,
  name: outText(API_KEY_NAME_MAX),
  prefix: outText(API_KEY_PREFIX_LENGTH).meta({ description: "The public part of the key (`crk_<prefix>_…`), to tell keys apart; not a secret." }),
  role: ApiKeyRole,
  expiresAt: Instant.nullable().meta({ description: "When the key stops working; null: never." }),
  revokedAt: Instant.nullable().meta({ description: "When the key was revoked; null: not revoked." }),
  lastUsedAt: Instant.nullable().meta({ description: "Last successful authentication, to the minute (updated at most once a minute); null: never used." }),
  createdByKeyId: Uuid.nullable().meta({ description: "The API key that created this one; null when created by `npm run keys:create` or at first start." }),
  version: recordMeta.version,
  createdAt: recordMeta.createdAt,
  updatedAt: recordMeta.updatedAt,
};

const apiKeyExample = {
  id: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0e",
  name: "raporty miesięczne (odczyt)",
  prefix: "k7x2m9qa",
  role: "reader",
  expiresAt: "2029-12-31T23:00:00.000Z",
  revokedAt: null,
  lastUsedAt: null,
  createdByKeyId: "0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f",
  version: 1,
  createdAt: "2026-11-29T12:00:00.000Z",
  updatedAt: "2026-11-29T12:00:00.000Z",
};

/** An API key as listed and read: never its secret. */
export const ApiKey = z.object(apiKeyFields).meta({ id: "ApiKey", example: apiKeyExample });

/** The answer to a create: the record plus the key itself, which is shown this once and never again. */
export const ApiKeyCreated = z
  .object({
    ...apiKeyFields,
    key: outText(API_KEY_LENGTH).meta({
      description: "The API key: send it as `Authorization: Bearer <key>`. Shown only in this response; only a hash of it is stored.",
    }),
  })
  .meta({ id: "ApiKeyCreated", example: { ...apiKeyExample, key: "crk_k7x2m9qa_3vQm8Zk1pLx0R7tYwN4bC6dE9fGhJ2sKuV5aX1yM0nB" } });

export const API_KEY_SORT_FIELDS = ["createdAt", "name"] as const;

export const ApiKeyListQuery = z.strictObject({
  ...paginationQuery,
  sort: sortQuery(API_KEY_SORT_FIELDS, "createdAt"),
  role: ApiKeyRole.optional(),
  revoked: z
    .enum(["true", "false"], { error: "must be true or false" })
    .optional()
    .transform((value) => (value === undefined ? undefined : value === "true"))
    .meta({ description: "true: only revoked keys; false: only keys not revoked." }),
});

export const ApiKeyPage = page(ApiKey, "ApiKeyPage");

export const ApiKeyIdParams = z.strictObject({ id: Uuid });

export type ApiKeyDto = z.output<typeof ApiKey>;
export type ApiKeyCreateInput = z.output<typeof ApiKeyCreate>;
export type ApiKeyListQueryInput = z.output<typeof ApiKeyListQuery>;
export type ApiKeyRoleName = (typeof API_KEY_ROLES)[number];
