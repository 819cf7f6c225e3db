/**
 * ArangoDB's job table seen through the engine. An "entry" is an `arango.request` job nobody has
 * received: its id is the job's `seq`; it is pending while the job is unfinished and done once it has
 * finished, whatever the outcome. Dropping an entry (DELETE, expiry, fetch) takes the receipt; a
 * pending job dropped this way keeps running, hidden, and is removed when it ends.
 */
import type { Principal } from "../../../auth/index.ts";
import type { Engine } from "../../../engine/index.ts";
import { isFinished, type JobState } from "../../../job-view.ts";
import type { JobFilter, JobRecord } from "../../../store/index.ts";
import { isSuperuser, scopeOf, sees } from "./access.ts";

export const ARANGO_KIND = "arango.request";

export const PENDING_STATES: JobState[] = ["queued", "running", "waiting", "cancelling"];
export const DONE_STATES: JobState[] = ["succeeded", "failed", "canceled"];

/** Ids travel as decimal strings of a positive integer. */
export function parseId(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const seq = Number(text);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** The entry an id names: an unreceived `arango.request` job the caller may see, or nothing. */
export function findEntry(engine: Engine, idText: string, principal: Principal): JobRecord | undefined {
  const seq = parseId(idText);
  if (seq === undefined) return undefined;
  const record = engine.getBySeq(seq);
  if (!record || record.type !== ARANGO_KIND || record.receivedAt !== null || !sees(principal, record)) return undefined;
  return record;
}

const PAGE = 500;

/** The caller's entries matching `filter`, oldest first, at most `limit`, read page by page. */
function entries(engine: Engine, principal: Principal, filter: Partial<JobFilter>, limit: number): JobRecord[] {
  const base = { ...filter, ...scopeOf(principal), type: ARANGO_KIND, unreceived: true, order: "oldest" as const };
  // An admin sees every entry in reach: the store can count for us.
  if (isSuperuser(principal)) return engine.listRecords({ ...base, limit });
  const out: JobRecord[] = [];
  let afterSeq = 0;
  while (out.length < limit) {
    const page = engine.listRecords({ ...base, afterSeq, limit: PAGE });
    for (const record of page) if (out.length < limit && sees(principal, record)) out.push(record);
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    afterSeq = last.seq;
  }
  return out;
}

export const isDone = (record: JobRecord): boolean => isFinished(record.state);

/** ArangoDB's `stamp`: set at creation, refreshed at completion (ms here, seconds on the wire). */
export const stampOf = (record: JobRecord): number => record.finishedAt ?? record.createdAt;

/** Ids of the caller's done or pending entries, ascending. */
export function listIds(engine: Engine, principal: Principal, which: "done" | "pending", count: number): string[] {
  const states = which === "done" ? DONE_STATES : PENDING_STATES;
  return entries(engine, principal, { states }, count).map((r) => String(r.seq));
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

/** Drops every entry of the caller that `which` selects; durable when it resolves. */
export async function dropEntries(engine: Engine, principal: Principal, which: (record: JobRecord) => boolean): Promise<void> {
  for (const record of entries(engine, principal, {}, Number.MAX_SAFE_INTEGER)) if (which(record)) dropEntry(engine, record.id);
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
