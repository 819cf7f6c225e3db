import { deepFreeze } from "../deep-freeze.ts";
import type { JobRecord } from "./job-record.ts";

/** A cached job: its committed row, and the ids of its children once a read asked for them. */
interface Entry {
  record: JobRecord;
  childIds: readonly string[] | undefined;
}

/**
 * Committed rows as the read connection returned them, kept until a commit changes them.
 *
 * A status read costs ~10 µs in SQLite (a read transaction, 38 columns, JSON columns parsed) and most
 * reads ask again for a job that has not changed since. The store fills this cache from the read
 * connection only (committed data) and drops a job's entry in the same synchronous step as the COMMIT
 * that changes its row, so no reader can see a row older than the last commit. Records handed out are
 * frozen: a caller that needs a changed record makes a copy.
 *
 * A job's children are kept as ids beside its row: a child's own changes touch only the child's
 * entry; the list changes only when a child is inserted (or any job is deleted, which drops every list).
 * A row is never moved to another parent.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  /** Ids written since the last commit, and parents that got a new child. */
  private readonly touched = new Set<string>();
  private readonly newChildOf = new Set<string>();
  private dropAllChildren = false;

  constructor(private readonly capacity = 10_000) {}

  record(id: string): JobRecord | undefined {
    return this.entries.get(id)?.record;
  }

  keepRecord(record: JobRecord): JobRecord {
    const known = this.entries.get(record.id);
    if (known) return known.record;
    if (this.entries.size >= this.capacity) {
      // The oldest entry goes first; a hit does not reorder, so a read stays one Map lookup.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(record.id, { record: deepFreeze(record), childIds: undefined });
    return record;
  }

  childIds(parentId: string): readonly string[] | undefined {
    return this.entries.get(parentId)?.childIds;
  }

  /** Keeps the list beside the parent's row; a parent that is not cached keeps nothing. */
  keepChildIds(parentId: string, ids: string[]): void {
    const entry = this.entries.get(parentId);
    if (entry) entry.childIds = Object.freeze(ids);
  }

  /** A row was written (insert or update) in the open transaction. */
  written(id: string, parentId: string | null, inserted: boolean): void {
    this.touched.add(id);
    if (inserted && parentId !== null) this.newChildOf.add(parentId);
  }

  /** A row was deleted: it may be in any parent's list, so every list goes. */
  deleted(id: string): void {
    this.touched.add(id);
    this.dropAllChildren = true;
  }

  /** Runs right before the COMMIT, with no await in between: the next read sees the new rows. */
  committing(): void {
    for (const id of this.touched) this.entries.delete(id);
    for (const id of this.newChildOf) {
      const entry = this.entries.get(id);
      if (entry) entry.childIds = undefined;
    }
    if (this.dropAllChildren) for (const entry of this.entries.values()) entry.childIds = undefined;
    this.touched.clear();
    this.newChildOf.clear();
    this.dropAllChildren = false;
  }
}
