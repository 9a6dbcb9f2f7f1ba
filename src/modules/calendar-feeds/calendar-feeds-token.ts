import crypto from "node:crypto";

/**
 * A calendar feed's token: `crf_` and 43 base64url characters (256 random bits), the whole credential of one
 * read-only calendar link. Only its SHA-256 is stored, and a token is found by that hash (a unique index): the token
 * is random, so a fast hash leaks nothing guessable, and looking up a hash reveals nothing about the token by its
 * timing. Unlike an API key (`crk_…`) it is meant to travel in a URL, and it opens nothing but its calendar.
 */

const TOKEN_BYTES = 32;
export const FEED_TOKEN_LENGTH = "crf_".length + Math.ceil((TOKEN_BYTES * 4) / 3);
export const FEED_TOKEN_PATTERN = `^crf_[A-Za-z0-9_-]{${FEED_TOKEN_LENGTH - 4}}$`;

export const hashFeedToken = (token: string): string => crypto.createHash("sha256").update(token, "utf8").digest("hex");

/** The path a calendar app subscribes to. */
export const feedPath = (token: string) => `/v1/calendar-feeds/${token}.ics`;

/** A new token: its hash to store, and the token and its link to show once. */
export function newFeedToken(publicBaseUrl: string) {
  const token = `crf_${crypto.randomBytes(TOKEN_BYTES).toString("base64url")}`;
  return { stored: { tokenHash: hashFeedToken(token) }, shown: { token, url: `${publicBaseUrl}${feedPath(token)}` } };
}
