import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseServeArgs, serveHelp, type Config } from "../config.ts";
import { seedDemo } from "../demo.ts";
import { Engine } from "../engine/index.ts";
import { createApp } from "../http/app.ts";
import { createLogger } from "../log.ts";
import { Authenticator, parseTokens, type Principal } from "../auth/index.ts";
import { outboundPolicy } from "../net/outbound.ts";
import { reapChildrenIfInit } from "../pid1.ts";
import { readFileSync } from "node:fs";
import { SqliteStore } from "../store/index.ts";
import { ServerLock } from "../store/server-lock.ts";

export interface Server {
  url: string;
  engine: Engine;
  stop(): Promise<void>;
  /** The server's JSON log. */
  log(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
}

export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);

function loadPrincipals(config: Config): Principal[] {
  const principals: Principal[] = [];
  if (config.tokensFile) {
    let text: string;
    try {
      text = readFileSync(config.tokensFile, "utf8");
    } catch {
      throw new Error(`cannot read the tokens file ${config.tokensFile}`);
    }
    principals.push(...parseTokens(text));
  }
  if (config.token) {
    if (config.token.length < 16) throw new Error("--token must be at least 16 characters");
    principals.push({ name: "admin", token: config.token, namespaces: "*", role: "admin" });
  }
  return principals;
}

/** Opens the store, boots the engine, serves every surface; stops cleanly on SIGTERM/SIGINT. */
export async function startServer(config: Config): Promise<Server> {
  const logger = createLogger(config.logLevel);
  const principals = loadPrincipals(config);
  // Built first: it refuses principals that share a token or a name before the database is opened or created.
  const auth = new Authenticator(principals);
  if (principals.length === 0 && !isLoopback(config.host)) {
    throw new Error(
      `refusing to listen on ${config.host} without credentials: give --token or --tokens FILE, or bind a loopback address`,
    );
  }
  // A port in use is refused before the database is created or opened (listening proper comes after
  // boot, so that no request meets an engine that is still waking jobs).
  if (config.port !== 0) refuseBusyPort(config.host, config.port);
  if (config.db !== ":memory:") mkdirSync(dirname(config.db), { recursive: true });
  // Before anything is read: a second server must not boot (and resume) jobs the first one runs.
  const lock = ServerLock.take(config.db);
  const store = new SqliteStore(config.db, {
    onBackgroundError: (message) => logger.log("warn", "checkpointer", { message }),
  });
  const engine = new Engine({
    store,
    retention: { finishedMs: config.retentionFinishedMs, afterReceiptMs: config.retentionAfterReceiptMs },
    cancelGraceMs: config.cancelGraceMs,
    maxRunning: config.maxRunning,
    webhooks: config.webhookSecret ? { secret: config.webhookSecret } : {},
    outbound: outboundPolicy(config.allowOutbound),
    onError: (error, where) => logger.log("error", "engine error", { where, error: String(error) }),
  });
  const { app, leases, state } = createApp({
    engine,
    auth,
    options: { leaseMs: config.leaseMs, upstream: config.upstream ?? undefined, arangoMaxPending: config.arangoMaxPending },
    log: (msg, fields) => logger.log("error", msg, fields),
  });
  // Job lines always carry the job id.
  engine.bus.on("job:transition", ({ job, transition }) =>
    logger.log("debug", "job transition", { jobId: job.id, type: job.type, event: transition.event, from: transition.from, to: transition.to }),
  );
  engine.bus.on("job:finished", ({ job }) =>
    logger.log(job.state === "failed" ? "warn" : "info", `job ${job.state}`, { jobId: job.id, type: job.type, error: job.error?.code }),
  );
  engine.bus.onError = (error, event) => logger.log("error", "listener failed", { event, error: String(error) });
  const booted = engine.boot();
  if (engine.webhooks.generatedSecret) {
    logger.log("warn", "generated a webhook signing secret and kept it in the database; set --webhook-secret to choose your own");
  }
  let server: ReturnType<typeof app.listen>;
  try {
    // Elysia asks Bun for SO_REUSEPORT by default, which lets a second process share the port and take
    // half its requests; jobd wants "address in use" instead.
    server = app.listen({ port: config.port, hostname: config.host, maxRequestBodySize: config.maxBodyBytes, reusePort: false });
  } catch (error) {
    await engine.close();
    store.close();
    lock.release();
    throw (error as { code?: string }).code === "EADDRINUSE" ? portInUse(config.host, config.port) : error;
  }
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${server.server?.port ?? config.port}`;
  logger.log("info", "jobd listening", { url, db: config.db, resumed: booted.resumed, migrated: store.migrated });
  const reaper = reapChildrenIfInit({ onUnavailable: (why) => logger.log("warn", `running as PID 1 but ${why}`) });
  if (config.demo) {
    const seeded = await seedDemo(engine);
    if (seeded > 0) logger.log("info", "demo jobs seeded; watch them at /api/v1/jobs?namespace=demo", { seeded });
  }
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop taking requests, let in-flight ones finish, end event streams and long polls (workers keep
      // their leases: they are in the database and a restarted jobd honours them).
      leases.close();
      state.sse.closing.abort();
      engine.endLongPolls();
      await server.stop();
      await engine.close();
      store.close();
      lock.release();
      logger.log("info", "jobd stopped");
    })());
  return { url, engine, stop, log: (level, message, fields) => logger.log(level, message, fields) };
}

const portInUse = (host: string, port: number): Error => new Error(`${host}:${port} is already in use`);

/** Binds the port for a moment, without SO_REUSEPORT, to learn whether another process holds it. */
function refuseBusyPort(host: string, port: number): void {
  try {
    Bun.listen({ hostname: host, port, socket: { data() {} } }).stop(true);
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") throw portInUse(host, port);
    // Anything else (an address this host does not have, say) is left for the real listen to report.
  }
}

export async function serve(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(serveHelp());
    return 0;
  }
  let config: Config;
  try {
    config = parseServeArgs(argv);
  } catch (error) {
    console.error(`jobd serve: ${error instanceof Error ? error.message : String(error)}`);
    console.error(serveHelp());
    return 2;
  }
  // Listening for signals before starting: one that arrives while jobd boots stops it once it is up,
  // instead of ending the process mid-start.
  const signalled = new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  let server: Server;
  try {
    server = await startServer(config);
  } catch (error) {
    console.error(`jobd serve: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  await signalled;
  const hard = setTimeout(() => {
    server.log("error", "jobd did not stop within 10 s (requests still running); exiting 1");
    process.exit(1);
  }, 10_000);
  await server.stop().finally(() => clearTimeout(hard));
  return 0;
}
