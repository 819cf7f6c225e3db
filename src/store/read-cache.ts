import { deepFreeze } from "../deep-freeze.ts";
import type { JobRecord } from "./job-record.ts";

/**
 * Committed rows as the read connection returned them, kept until a commit changes them.
 *
 * A status read costs ~10 µs in SQLite (a read transaction, 38 columns, JSON columns parsed) and most
 * reads ask again for a job that has not changed since. The store fills this cache from the read
 * connection only (committed data) and drops a job's entry in the same synchronous step as the COMMIT
 * that changes its row, so no reader can see a row older than the last commit. Records handed out are
 * frozen: a caller that needs a changed record makes a copy.
 *
 * Children are kept as lists of ids per parent: a child's own changes touch only its record entry;
 * the list changes only when a child is inserted (or any job is deleted, which drops every list).
 */
export class ReadCache {
  private readonly records = new Map<string, JobRecord>();
  private readonly children = new Map<string, string[]>();
  /** Ids written since the last commit, and parents that got a new child. */
  private readonly touched = new Set<string>();
  private readonly newChildOf = new Set<string>();
  private dropAllChildren = false;

  constructor(private readonly capacity = 10_000) {}

  record(id: string): JobRecord | undefined {
    return this.records.get(id);
  }

  keepRecord(record: JobRecord): JobRecord {
    deepFreeze(record);
    this.bounded(this.records).set(record.id, record);
    return record;
  }

  childIds(parentId: string): string[] | undefined {
    return this.children.get(parentId);
  }

  keepChildIds(parentId: string, ids: string[]): void {
    this.bounded(this.children).set(parentId, Object.freeze(ids) as string[]);
  }

  /** A row was written (insert or update) in the open transaction. */
  written(id: string, parentId: string | null, inserted: boolean): void {
    this.touched.add(id);
    if (inserted && parentId !== null) this.newChildOf.add(parentId);
  }

  /** A row was changed in a way that may move it between parents' lists (a delete): drop every list. */
  changedAny(id: string): void {
    this.touched.add(id);
    this.dropAllChildren = true;
  }

  /** Runs right before the COMMIT, with no await in between: the next read sees the new rows. */
  committing(): void {
    for (const id of this.touched) this.records.delete(id);
    for (const id of this.newChildOf) this.children.delete(id);
    if (this.dropAllChildren) this.children.clear();
    this.touched.clear();
    this.newChildOf.clear();
    this.dropAllChildren = false;
  }

  /** Oldest entries go first once the map is full; a hit does not reorder (reads stay a plain get). */
  private bounded<V>(map: Map<string, V>): Map<string, V> {
    if (map.size >= this.capacity) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    return map;
  }
}
