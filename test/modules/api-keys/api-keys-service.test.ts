// The key format, hashing and verification, and that the secret is compared in constant time.
import crypto from "node:crypto";
import t from "tap";
import {
  API_KEY_FORMAT,
  createApiKey,
  generateApiKey,
  hashApiKey,
  secretMatches,
  verifyApiKey,
} from "../../../src/modules/api-keys/api-keys-service.ts";
import { testDatabase } from "../../helper.ts";

const db = await testDatabase(t);

/** The same length, another secret: differs only in its last character, so an early-exit compare would be fast here. */
const lastCharChanged = (key: string) => key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");

t.test("generated keys: crk_<8 lowercase letters/digits>_<43 base64url chars>, all different", async (t) => {
  const keys = new Set<string>();
  const prefixes = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const { key, prefix } = generateApiKey();
    t.match(key, /^crk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    t.ok(key.startsWith(`crk_${prefix}_`));
    t.ok(API_KEY_FORMAT.test(key));
    keys.add(key);
    prefixes.add(prefix);
  }
  t.equal(keys.size, 500, "no repeats");
  t.equal(prefixes.size, 500, "no repeated prefixes either");
  // Every prefix character is used (a biased or constant alphabet would show here).
  const used = new Set([...prefixes].join(""));
  t.equal(used.size, 36, "prefixes use all of a-z0-9");
});

t.test("hashApiKey is the hex SHA-256 of the whole key", async (t) => {
  const { key } = generateApiKey();
  t.equal(hashApiKey(key), crypto.createHash("sha256").update(key).digest("hex"));
  t.match(hashApiKey(key), /^[0-9a-f]{64}$/);
});

t.test("secretMatches compares the hashes with crypto.timingSafeEqual", async (t) => {
  const calls: Array<[Buffer, Buffer]> = [];
  const { secretMatches: spied } = await t.mockImport<typeof import("../../../src/modules/api-keys/api-keys-service.ts")>(
    "../../../src/modules/api-keys/api-keys-service.ts",
    {
      "node:crypto": {
        ...crypto,
        default: {
          ...crypto,
          timingSafeEqual: (a: Buffer, b: Buffer) => {
            calls.push([a, b]);
            return crypto.timingSafeEqual(a, b);
          },
        },
      },
    },
  );
  const { key } = generateApiKey();
  const wrong = lastCharChanged(key);
  t.equal(wrong.length, key.length);
  t.equal(spied(wrong, hashApiKey(key)), false, "a wrong secret of the same length does not match");
  t.equal(calls.length, 1, "decided by timingSafeEqual");
  t.equal(calls[0]![0].length, 32, "over the 32-byte digests");
  t.equal(calls[0]![1].length, 32);
  t.equal(spied(key, hashApiKey(key)), true);
  t.equal(calls.length, 2, "a match is decided the same way");
  t.equal(spied(key, "abcd"), false, "a damaged stored hash matches nothing (and does not throw)");
});

t.test("secretMatches without mocks", async (t) => {
  const { key } = generateApiKey();
  t.equal(secretMatches(key, hashApiKey(key)), true);
  t.equal(secretMatches(lastCharChanged(key), hashApiKey(key)), false);
  t.equal(secretMatches(key, ""), false);
});

t.test("verifyApiKey: each outcome", async (t) => {
  const { record, key } = await createApiKey(db.prisma, { name: "weryfikacja", role: "editor" });
  const ok = await verifyApiKey(db.prisma, key);
  t.equal(ok.ok, true);
  if (ok.ok) {
    t.equal(ok.key.id, record.id);
    t.equal(ok.key.role, "editor");
  }
  t.same(await verifyApiKey(db.prisma, lastCharChanged(key)), { ok: false, reason: "unknown" }, "wrong secret, same length, real prefix");
  t.same(await verifyApiKey(db.prisma, `${key}AAAA`), { ok: false, reason: "unknown" }, "longer secret, real prefix");
  t.same(await verifyApiKey(db.prisma, `crk_00000000_${key.slice(13)}`), { ok: false, reason: "unknown" }, "unknown prefix");
  for (const malformed of ["", "crk_", key.slice(0, 40), key.replace("crk_", "crx_"), key.toUpperCase(), `${key} `, key.replace("_", "-")]) {
    t.same(await verifyApiKey(db.prisma, malformed), { ok: false, reason: "malformed" }, JSON.stringify(malformed.slice(0, 16)));
  }

  const soon = await createApiKey(db.prisma, { name: "wygasa", role: "reader", expiresAt: new Date(Date.now() + 60_000) });
  t.equal((await verifyApiKey(db.prisma, soon.key)).ok, true);
  t.same(await verifyApiKey(db.prisma, soon.key, new Date(Date.now() + 61_000)), { ok: false, reason: "expired" });
  t.same(
    await verifyApiKey(db.prisma, lastCharChanged(soon.key), new Date(Date.now() + 61_000)),
    { ok: false, reason: "unknown" },
    "a wrong secret does not learn that the key expired",
  );

  await db.prisma.apiKey.update({ where: { id: record.id }, data: { revokedAt: new Date() } });
  t.same(await verifyApiKey(db.prisma, key), { ok: false, reason: "revoked" });
  t.same(await verifyApiKey(db.prisma, lastCharChanged(key)), { ok: false, reason: "unknown" }, "nor that it was revoked");
});

t.test("createApiKey: the record without secrets, the key once; expiry accepted as Date or string", async (t) => {
  const { record, key } = await createApiKey(db.prisma, { name: "CLI", role: "admin", expiresAt: "2031-01-01T00:00:00+01:00" });
  t.equal(record.expiresAt, "2030-12-31T23:00:00.000Z");
  t.equal(record.createdByKeyId, null);
  t.notOk("key" in record);
  t.notOk("secretHash" in record);
  t.equal((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: record.id } })).secretHash, hashApiKey(key));
  await t.rejects(createApiKey(db.prisma, { name: "zła data", role: "admin", expiresAt: "not a date" }), TypeError);
});
