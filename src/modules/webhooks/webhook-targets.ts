import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { problemText } from "../../lib/messages/problems.ts";
import { ApiError } from "../../lib/problem.ts";

/**
 * No SSRF: a webhook may only reach public addresses over https, unless private targets are allowed (intranets,
 * tests). The rule is checked when a URL is saved (after DNS resolution) and again when each attempt connects (the
 * `lookup` of the request, so a name that resolves elsewhere later is caught); redirects are never followed.
 * ipaddr.js classifies addresses: only its `unicast` range (public) passes, which refuses loopback, private,
 * link-local (169.254.169.254, the cloud metadata address), carrier-grade NAT, unique-local, multicast, reserved,
 * and IPv4-mapped or 6to4 forms of them.
 */

export type TargetRule = "https_required" | "private_address" | "unresolvable";

export class TargetRefused extends Error {
  override name = "TargetRefused";
  constructor(
    readonly rule: TargetRule,
    message: string,
  ) {
    super(message);
  }
}

/** Why an address is refused, or null when it is public. */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  return range === "unicast" ? null : `${address} is a ${range} address`;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

export type Lookup = (hostname: string) => Promise<string[]>;
const systemLookup: Lookup = async (hostname) => (await dns.promises.lookup(hostname, { all: true })).map((entry) => entry.address);

/** Checks a target URL as it is saved: its scheme and every address its host resolves to. */
export async function checkTarget(target: string, allowPrivate: boolean, lookup: Lookup = systemLookup): Promise<void> {
  if (allowPrivate) return;
  const url = new URL(target);
  if (url.protocol !== "https:") throw new TargetRefused("https_required", "must use https");
  const host = hostOf(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      throw new TargetRefused("unresolvable", `must name a host that resolves (${host} does not)`);
    }
  }
  for (const address of addresses) {
    const refused = refusedAddress(address);
    if (refused) throw new TargetRefused("private_address", `must resolve to public addresses only (${refused})`);
  }
}

/** The 422 for a refused target URL, naming the rule (and the field). */
export const targetRefusedProblem = (error: TargetRefused) =>
  new ApiError("webhook_url_refused", problemText("webhookUrlRefused", { rule: error.rule }), {
    errors: [{ path: "/url", message: error.message, location: "body" }],
    extensions: { rule: error.rule },
  });

/**
 * A `lookup` for http(s).request that refuses private addresses at connect time: the addresses actually connected
 * to are the ones checked (no window between a check and a second resolution).
 */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      const list = addresses as dns.LookupAddress[];
      const refused = allowPrivate ? null : list.map((entry) => refusedAddress(entry.address)).find((reason) => reason !== null);
      if (refused) return callback(Object.assign(new TargetRefused("private_address", `refused: ${refused}`), { code: "EADDRREFUSED" }), "", 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
