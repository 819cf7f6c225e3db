/**
 * ArangoDB's job table seen through the engine. An "entry" is an `arango.request` job nobody has
 * received: its id is the job's `seq`; it is pending while the job is unfinished and done once it has
 * finished, whatever the outcome. Dropping an entry (DELETE, expiry, fetch) takes the receipt; a
 * pending job dropped this way keeps running, hidden, and is removed when it ends.
 */
import type { Engine } from "../../../engine/index.ts";
import { isFinished, type JobState } from "../../../job-view.ts";
import type { JobRecord } from "../../../store/index.ts";

export const ARANGO_KIND = "arango.request";

export const PENDING_STATES: JobState[] = ["queued", "running", "waiting", "cancelling"];
export const DONE_STATES: JobState[] = ["succeeded", "failed", "canceled"];

/** Ids travel as decimal strings of a positive integer. */
export function parseId(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const seq = Number(text);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** The entry an id names: an unreceived `arango.request` job, or nothing. */
export function findEntry(engine: Engine, idText: string): JobRecord | undefined {
  const seq = parseId(idText);
  if (seq === undefined) return undefined;
  const record = engine.getBySeq(seq);
  if (!record || record.type !== ARANGO_KIND || record.receivedAt !== null) return undefined;
  return record;
}

export const isDone = (record: JobRecord): boolean => isFinished(record.state);

/** ArangoDB's `stamp`: set at creation, refreshed at completion (ms here, seconds on the wire). */
export const stampOf = (record: JobRecord): number => record.finishedAt ?? record.createdAt;

/** Ids of done or pending entries, ascending. */
export function listIds(engine: Engine, which: "done" | "pending", count: number): string[] {
  return engine
    .listRecords({
      type: ARANGO_KIND,
      states: which === "done" ? DONE_STATES : PENDING_STATES,
      unreceived: true,
      order: "oldest",
      limit: count,
    })
    .map((r) => String(r.seq));
}

/** Requests still queued or running, dropped ones included: they hold a place in the queue. */
export const pendingCount = (engine: Engine): number =>
  engine.count({ type: ARANGO_KIND, states: PENDING_STATES, limit: 1 });

/** Takes the receipt of a done entry. Resolves true for the one caller that got it. */
export const fetchEntry = (engine: Engine, record: JobRecord): Promise<boolean> => engine.receive(record.id);

/**
 * Drops an entry without stopping its work. A done one is received (gone at once); a pending one is
 * marked received so that no route shows it, and is removed when it ends (see `forgetDropped`).
 * Not durable until `engine.committed()`.
 */
export function dropEntry(engine: Engine, id: string): void {
  const now = engine.now();
  engine.patch(id, (r) =>
    r.receivedAt !== null ? {} : isFinished(r.state) ? { receivedAt: now, expiresAt: now } : { receivedAt: now },
  );
}

/** Drops every entry that `which` selects, page by page; durable when it resolves. */
export async function dropEntries(engine: Engine, which: (record: JobRecord) => boolean): Promise<void> {
  let afterSeq = 0;
  for (;;) {
    const page = engine.listRecords({ type: ARANGO_KIND, unreceived: true, order: "oldest", afterSeq, limit: 500 });
    for (const record of page) if (which(record)) dropEntry(engine, record.id);
    const last = page[page.length - 1];
    if (!last || page.length < 500) break;
    afterSeq = last.seq;
  }
  await engine.committed();
}

/** A job dropped while pending finds no entry when it ends: its result goes with it. */
export function forgetDropped(engine: Engine): () => void {
  return engine.bus.on("job:finished", ({ job }) => {
    if (job.type !== ARANGO_KIND) return;
    const current = engine.getRecord(job.id);
    if ((current ?? job).receivedAt !== null) void engine.remove(job.id);
  });
}
