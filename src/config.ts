import { parseArgs } from "node:util";
import { join } from "node:path";
import { parseOutbound } from "./net/outbound.ts";

/** Every server option, its flag, its environment variable and its default. */
export const SERVE_OPTIONS = {
  port: { env: "JOBD_PORT", default: "8080", help: "TCP port to listen on" },
  host: { env: "JOBD_HOST", default: "127.0.0.1", help: "address to bind" },
  "data-dir": { env: "JOBD_DATA_DIR", default: "./data", help: "directory jobd writes to (the database, its WAL and its lock); nothing is written elsewhere" },
  db: { env: "JOBD_DB", default: "<data-dir>/jobd.db", help: "SQLite database file, to keep it outside the data directory" },
  "retention-finished": { env: "JOBD_RETENTION_FINISHED", default: "3d", help: "how long finished jobs nobody received are kept" },
  "retention-after-receipt": { env: "JOBD_RETENTION_AFTER_RECEIPT", default: "0s", help: "how long a received job is kept" },
  "cancel-grace": { env: "JOBD_CANCEL_GRACE", default: "30s", help: "how long a cancelling job may take to stop" },
  "max-running": { env: "JOBD_MAX_RUNNING", default: "1000", help: "in-process jobs working at once" },
  "lease-duration": { env: "JOBD_LEASE_DURATION", default: "60s", help: "how long a worker's lease lasts when the worker does not say" },
  "log-level": { env: "JOBD_LOG_LEVEL", default: "info", help: "debug, info, warn or error" },
  upstream: { env: "JOBD_UPSTREAM", default: "", help: "async gateway: send requests jobd does not serve to this http(s) URL (none when empty)" },
  "arango-max-pending": { env: "JOBD_ARANGO_MAX_PENDING", default: "10000", help: "pending x-arango-async jobs past which new ones get 503 (errorNum 21003)" },
  tokens: { env: "JOBD_TOKENS", default: "", help: 'JSON file of principals: [{"name","token","namespaces":["*"|names],"role":"read"|"write"|"admin"}]; each token at least 16 characters, names and tokens unique' },
  token: { env: "JOBD_TOKEN", default: "", help: "one admin token of at least 16 characters, the principal named admin (in addition to --tokens)" },
  "allow-outbound": { env: "JOBD_ALLOW_OUTBOUND", default: "public", help: "addresses the http kind and webhooks may call: public, loopback, private, *, hosts, *.suffix, IPs, CIDRs (comma-separated)" },
  "max-body": { env: "JOBD_MAX_BODY", default: "1048576", help: "largest request body in bytes" },
  "webhook-secret": { env: "JOBD_WEBHOOK_SECRET", default: "", help: "HMAC key for webhook signatures (generated and kept in the database when empty)" },
} as const;

export type ServeOptionName = keyof typeof SERVE_OPTIONS;

/** The database file: `--db` (or JOBD_DB) when given, else `jobd.db` in the data directory. */
export function resolveDbPath(
  flags: { db?: string; dataDir?: string },
  env: Record<string, string | undefined> = process.env,
): string {
  const db = flags.db ?? env[SERVE_OPTIONS.db.env];
  if (db) return db;
  return join(flags.dataDir ?? (env[SERVE_OPTIONS["data-dir"].env] || SERVE_OPTIONS["data-dir"].default), "jobd.db");
}

export interface Config {
  port: number;
  host: string;
  /** Where jobd writes; the database lives here unless --db points elsewhere. */
  dataDir: string;
  db: string;
  retentionFinishedMs: number;
  retentionAfterReceiptMs: number;
  cancelGraceMs: number;
  maxRunning: number;
  leaseMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
  webhookSecret: string | null;
  tokensFile: string | null;
  token: string | null;
  allowOutbound: string[];
  maxBodyBytes: number;
  /** ArangoDB async gateway target; null when unset. */
  upstream: string | null;
  arangoMaxPending: number;
  demo: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `30s`, `5m`, `2h`, `3d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 30s, 5m, 2h, 3d)`);
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? "ms"] ?? 1));
}

export function parseServeArgs(argv: string[], env: Record<string, string | undefined> = process.env): Config {
  const options = Object.fromEntries(
    Object.keys(SERVE_OPTIONS).map((name) => [name, { type: "string" as const }]),
  ) as Record<ServeOptionName, { type: "string" }>;
  const { values } = parseArgs({
    args: argv,
    options: { ...options, demo: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: false,
    strict: true,
  });
  const get = (name: ServeOptionName): string =>
    (values[name] as string | undefined) ?? env[SERVE_OPTIONS[name].env] ?? SERVE_OPTIONS[name].default;
  const port = Number(get("port"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, not ${get("port")}`);
  const maxRunning = Number(get("max-running"));
  if (!Number.isInteger(maxRunning) || maxRunning < 1) throw new Error("--max-running must be a positive integer");
  const leaseMs = parseDuration(get("lease-duration"));
  if (leaseMs < 500 || leaseMs > 3_600_000) throw new Error("--lease-duration must be 500ms-1h");
  const upstream = get("upstream") || null;
  if (upstream !== null && !/^https?:$/.test(URL.parse(upstream)?.protocol ?? "")) throw new Error("--upstream must be an http or https URL");
  const arangoMaxPending = Number(get("arango-max-pending"));
  if (!Number.isInteger(arangoMaxPending) || arangoMaxPending < 1) throw new Error("--arango-max-pending must be a positive integer");
  const maxBodyBytes = Number(get("max-body"));
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024 || maxBodyBytes > 1 << 30) throw new Error("--max-body must be 1024..1073741824 bytes");
  const dataDir = get("data-dir");
  if (dataDir === "") throw new Error("--data-dir must not be empty");
  const logLevel = get("log-level");
  if (!["debug", "info", "warn", "error"].includes(logLevel)) throw new Error("--log-level must be debug, info, warn or error");
  return {
    port,
    host: get("host"),
    dataDir,
    db: resolveDbPath({ db: (values.db as string | undefined) || undefined, dataDir }, env),
    retentionFinishedMs: parseDuration(get("retention-finished")),
    retentionAfterReceiptMs: parseDuration(get("retention-after-receipt")),
    cancelGraceMs: parseDuration(get("cancel-grace")),
    maxRunning,
    leaseMs,
    logLevel: logLevel as Config["logLevel"],
    webhookSecret: get("webhook-secret") || null,
    tokensFile: get("tokens") || null,
    token: get("token") || null,
    allowOutbound: parseOutbound(get("allow-outbound")),
    maxBodyBytes,
    upstream,
    arangoMaxPending,
    demo: values.demo === true || env.JOBD_DEMO === "1",
  };
}

export function serveHelp(): string {
  const lines = Object.entries(SERVE_OPTIONS).map(
    ([name, o]) => `  --${name.padEnd(26)} ${o.help} (env ${o.env}, default ${o.default})`,
  );
  return ["Usage: jobd serve [options]", "", ...lines, `  --${"demo".padEnd(26)} seed demo jobs to watch (env JOBD_DEMO=1)`].join("\n");
}
