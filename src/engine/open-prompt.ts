import { isFinished, type JobView } from "../job-view.ts";
import type { JobRecord } from "../store/index.ts";

/** The reads the walk needs; the Engine has them all (committed data only). */
export interface JobTreeReader {
  getRecord(id: string): JobRecord | undefined;
  children(id: string): JobRecord[];
  viewOf(record: JobRecord): JobView;
}

/**
 * The job whose question stands for this job's subtree: the job itself when it is waiting, otherwise
 * its first waiting descendant, depth first in creation order. A dialect that has no notion of
 * sub-jobs shows a parent as waiting on that question, and answers it on the parent's behalf.
 * Finished jobs are not descended into: their children were cancelled or have ended too.
 */
export function findOpenPrompt(reader: JobTreeReader, id: string): JobView | undefined {
  const root = reader.getRecord(id);
  if (!root) return undefined;
  const visit = (record: JobRecord): JobRecord | undefined => {
    if (record.state === "waiting" && record.prompt) return record;
    if (isFinished(record.state)) return undefined;
    for (const child of reader.children(record.id)) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  const found = visit(root);
  return found ? reader.viewOf(found) : undefined;
}
