import { isIP } from "node:net";

/**
 * Which addresses jobd may call on its own (the `http` kind, webhooks). Entries of `--allow-outbound`:
 * - `public`: any address that is not loopback, private, link-local or unique-local (the default);
 * - `loopback`, `private`: those ranges;
 * - `*`: anything;
 * - a host name (`api.example.com`), a suffix (`*.example.com`), an IP or a CIDR (`10.1.0.0/16`).
 * Host names are resolved and every address they resolve to must be allowed. A name the policy must
 * resolve but cannot is neither allowed nor refused: the policy rejects with `UnresolvedHostError`, so
 * callers can tell "no such name" from a refusal.
 */
export type OutboundPolicy = (url: URL) => Promise<boolean>;

/** A host name that did not resolve to any address (no such name, or the resolver failed). */
export class UnresolvedHostError extends Error {
  constructor(readonly host: string) {
    super(`host name did not resolve: ${host}`);
    this.name = "UnresolvedHostError";
  }
}

/** A URL the policy refuses. Final: the policy follows jobd's flags alone, so a retry is refused the same way. */
export class OutboundRefusedError extends Error {
  constructor(readonly url: URL) {
    super(`address not allowed by --allow-outbound: ${url.host}`);
    this.name = "OutboundRefusedError";
  }
}

/** Resolves when `policy` lets jobd call `url`; rejects with OutboundRefusedError, or UnresolvedHostError. */
export async function requireAllowed(policy: OutboundPolicy, url: URL): Promise<void> {
  if (!(await policy(url))) throw new OutboundRefusedError(url);
}

type Range = { v: 4 | 6; bits: bigint; prefix: number };

const toBig = (ip: string): { v: 4 | 6; value: bigint } | null => {
  const kind = isIP(ip);
  if (kind === 4) {
    const parts = ip.split(".").map(Number);
    return { v: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (kind === 6) {
    let full = ip.toLowerCase();
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(full);
    if (v4?.[1]) {
      const n = toBig(v4[1])?.value ?? 0n;
      full = full.replace(v4[1], `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`);
    }
    const [head = "", tail = ""] = full.split("::");
    const h = head ? head.split(":") : [];
    const t = full.includes("::") ? (tail ? tail.split(":") : []) : [];
    const groups = full.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
    return { v: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n) };
  }
  return null;
};

const range = (cidr: string): Range | null => {
  const [ip = "", prefixText] = cidr.split("/");
  const parsed = toBig(ip);
  if (!parsed) return null;
  const max = parsed.v === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { v: parsed.v, bits: parsed.value >> BigInt(max - prefix), prefix };
};

const inRange = (ip: string, r: Range): boolean => {
  const parsed = toBig(ip);
  if (!parsed || parsed.v !== r.v) return false;
  const max = r.v === 4 ? 32 : 128;
  return parsed.value >> BigInt(max - r.prefix) === r.bits;
};

const LOOPBACK = ["127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104"].map((c) => range(c) as Range);
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8", "fc00::/7", "fe80::/10", "::/128"].map(
  (c) => range(c) as Range,
);

const isLoopback = (ip: string) => LOOPBACK.some((r) => inRange(ip, r));
const isPrivate = (ip: string) => PRIVATE.some((r) => inRange(ip, r));

export function parseOutbound(spec: string): string[] {
  const entries = spec.split(",").map((s) => s.trim()).filter(Boolean);
  for (const e of entries) {
    if (["*", "public", "loopback", "private"].includes(e)) continue;
    if (e.includes("/") && !range(e)) throw new Error(`--allow-outbound: ${JSON.stringify(e)} is not a CIDR`);
    if (!/^[A-Za-z0-9.*:\-/[\]]+$/.test(e)) throw new Error(`--allow-outbound: ${JSON.stringify(e)} is not a host, suffix, IP or CIDR`);
  }
  return entries.length > 0 ? entries : ["public"];
}

export function outboundPolicy(
  entries: string[],
  resolve: (host: string) => Promise<string[]> = async (host) => (await Bun.dns.lookup(host)).map((a) => a.address),
): OutboundPolicy {
  if (entries.includes("*")) return async () => true;
  const ranges = entries.filter((e) => isIP(e.split("/")[0] ?? "") !== 0).map((e) => range(e) as Range);
  const hosts = entries.filter((e) => !["public", "loopback", "private"].includes(e) && isIP(e.split("/")[0] ?? "") === 0);
  const ipAllowed = (ip: string) =>
    ranges.some((r) => inRange(ip, r)) ||
    (entries.includes("loopback") && isLoopback(ip)) ||
    (entries.includes("private") && isPrivate(ip)) ||
    (entries.includes("public") && !isLoopback(ip) && !isPrivate(ip));
  const byAddress = ranges.length > 0 || entries.some((e) => ["public", "loopback", "private"].includes(e));
  return async (url: URL) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (hosts.some((h) => (h.startsWith("*.") ? host.endsWith(h.slice(1)) : host === h.toLowerCase()))) return true;
    if (isIP(host)) return ipAllowed(host);
    // Entries that are all names allow no address, so any other name is refused without a lookup.
    if (!byAddress) return false;
    const addresses = await resolve(host).catch(() => [] as string[]);
    if (addresses.length === 0) throw new UnresolvedHostError(host);
    return addresses.every(ipAllowed);
  };
}
