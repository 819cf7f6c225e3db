/**
 * The world the fuzz suites attack: the whole app in process (real SQLite file), three principals and
 * jobs seeded in three namespaces, in states that stay put while the fuzzer runs (a long sleep, an
 * open question, finished, queued for a worker, an ArangoDB entry). `snapshot()` captures every job
 * row and the length of its transition log, so a suite can say exactly what changed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Authenticator, type Principal } from "../../src/auth/index.ts";
import { Engine } from "../../src/engine/index.ts";
import { createApp } from "../../src/http/app.ts";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import { SqliteStore } from "../../src/store/index.ts";

export const TOKENS = {
  admin: "fuzz-admin-token-0123456789",
  readA: "fuzz-read-a-token-0123456789",
  writeB: "fuzz-write-b-token-0123456789",
} as const;

export const PRINCIPALS: Principal[] = [
  { name: "admin", token: TOKENS.admin, namespaces: "*", role: "admin" },
  { name: "reader-a", token: TOKENS.readA, namespaces: ["nsa"], role: "read" },
  { name: "writer-b", token: TOKENS.writeB, namespaces: ["nsb"], role: "write" },
];

export const NAMESPACES = ["nsa", "nsb", "default"] as const;
/** A queue no worker serves here: its jobs stay queued unless the fuzzer leases one. */
export const WORKER_TYPE = "fuzz.work";

export interface World {
  engine: Engine;
  auth: Authenticator;
  handle(request: Request): Promise<Response>;
  /** Every seeded job. */
  seeded: JobView[];
  /** A session id for each principal (CentriQS `sid`). */
  sessions: Record<keyof typeof TOKENS, string>;
  snapshot(): Map<string, string>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

function seeds(namespace: string): { spec: JobSpec; settled: (job: JobView) => boolean }[] {
  const script = (steps: unknown[]): JobSpec => ({ type: "script", namespace, input: { steps }, maxAttempts: 1 });
  return [
    { spec: { ...script([{ progress: 10, message: "working" }, { sleep: HOUR }]), description: "sleeper" }, settled: (j) => j.progress.percent === 10 },
    { spec: { ...script([{ prompt: "Continue?", buttons: ["Yes", "No"] }]), description: "asker" }, settled: (j) => j.state === "waiting" },
    { spec: { ...script([{ succeed: { ok: true } }]), description: "done" }, settled: (j) => j.state === "succeeded" },
    { spec: { ...script([{ fail: { code: "E", message: "no" } }]), description: "failed" }, settled: (j) => j.state === "failed" },
    { spec: { type: WORKER_TYPE, namespace, input: { n: 1 }, description: "for a worker" }, settled: (j) => j.state === "queued" },
    {
      spec: {
        type: "script",
        namespace,
        description: "parent",
        input: { steps: [{ sleep: HOUR }] },
        children: [{ type: "script", namespace, input: { steps: [{ prompt: "Child?", buttons: ["A", "B"] }] } }],
      },
      settled: (j) => j.state === "running",
    },
  ];
}

/** Row and log length of every job, as text: equal text, unchanged job. */
function snapshotOf(engine: Engine): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of engine.listRecords({ limit: 1_000_000, order: "oldest" })) {
    out.set(record.id, JSON.stringify({ record, log: engine.log(record.id).length }));
  }
  return out;
}

export async function createWorld(options: { auth: boolean }): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "jobd-fuzz-"));
  const store = new SqliteStore(join(dir, "jobd.db"));
  // No job may reach the network: the http kind and webhooks are refused every address.
  const engine = new Engine({ store, outbound: async () => false });
  const auth = new Authenticator(options.auth ? PRINCIPALS : []);
  const { app } = createApp({ engine, auth, options: { arangoMaxPending: 500 } });
  engine.boot();
  const seeded: JobView[] = [];
  const waits: Promise<unknown>[] = [];
  for (const namespace of NAMESPACES) {
    for (const { spec, settled } of seeds(namespace)) {
      const owner = namespace === "nsb" ? "writer-b" : namespace === "nsa" ? "reader-a" : "admin";
      const job = await engine.create(spec, { owner });
      seeded.push(job);
      waits.push(until(engine, job.id, settled));
    }
    // A finished ArangoDB entry per namespace, owned by the namespace's principal.
    const entry = await engine.create(
      { type: "arango.request", namespace, input: { method: "GET", path: "/_api/version", headers: [], body: null, bodyEncoding: "text" } },
      { owner: namespace === "nsb" ? "writer-b" : namespace === "nsa" ? "reader-a" : "admin" },
    );
    seeded.push(entry);
    waits.push(until(engine, entry.id, (j) => j.state === "succeeded"));
  }
  await Promise.all(waits);
  await quiesce(engine);
  const byName = (name: string) => PRINCIPALS.find((p) => p.name === name) as Principal;
  const sessions = {
    admin: auth.openSession(byName("admin")),
    readA: auth.openSession(byName("reader-a")),
    writeB: auth.openSession(byName("writer-b")),
  };
  return {
    engine,
    auth,
    handle: (request) => app.handle(request),
    seeded: seeded.map((j) => engine.get(j.id) ?? j),
    sessions,
    snapshot: () => snapshotOf(engine),
    async close() {
      await engine.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until nothing changes for a while (children of the seeds settle after their parents). */
async function quiesce(engine: Engine): Promise<void> {
  let last = "";
  let calm = 0;
  const deadline = Date.now() + 10_000;
  while (calm < 3) {
    if (Date.now() > deadline) throw new Error("the seeded jobs did not settle");
    await engine.committed();
    const now = JSON.stringify([...snapshotOf(engine)]);
    calm = now === last ? calm + 1 : 0;
    last = now;
    await Bun.sleep(30);
  }
}

async function until(engine: Engine, id: string, settled: (job: JobView) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = engine.get(id);
    if (job && settled(job)) return;
    if (Date.now() > deadline) throw new Error(`seed ${id} did not settle: ${JSON.stringify(job?.state)}`);
    await Bun.sleep(5);
  }
}

/** Ids of jobs whose row or log differs between two snapshots, plus jobs that appeared or vanished. */
export function changes(before: Map<string, string>, after: Map<string, string>): { changed: string[]; added: string[]; removed: string[] } {
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [id, text] of after) {
    const old = before.get(id);
    if (old === undefined) added.push(id);
    else if (old !== text) changed.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) removed.push(id);
  return { changed, added, removed };
}
