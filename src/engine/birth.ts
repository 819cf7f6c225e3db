import { initialTransition, transition, type AnyStateMachine } from "xstate";
import type { JobInput, KindDefinition } from "../../machines/index.ts";
import type { JobRecord } from "../store/index.ts";

/**
 * What the snapshot column holds for a job born passivated, in place of its first snapshot: that
 * snapshot follows from the row (its input and settings) and its children's ids, so a create writes
 * ~500 bytes less and serializes nothing. The engine rebuilds it with `BirthSnapshots` when the job
 * is first woken; from then on the column holds the actor's real snapshot.
 */
export const BIRTH_SNAPSHOT = "birth";

/** The machine input of a job, from its stored record. */
export function jobInputOf(record: JobRecord, kind: Pick<KindDefinition, "interruptPolicy">): JobInput {
  return {
    kind: record.kind,
    input: record.input,
    maxAttempts: record.maxAttempts,
    backoff: record.backoff,
    failurePolicy: record.failurePolicy,
    interruptPolicy: kind.interruptPolicy,
  };
}

type Persisted = { context: Record<string, unknown> } & Record<string, unknown>;

/**
 * The first snapshot of a job that is born passivated (it waits for a worker or for its run-at).
 * XState's initialTransition builds an actor scope and a system for it, which is most of the cost of
 * a create; the queued state of a job is the same for every job of a machine but for its input and
 * its children. So the machine is run once per kind on a template input, and each job's snapshot is
 * that template with its own input and children. `matchesMachine` (tested) keeps the two in step.
 */
export class BirthSnapshots {
  private readonly templates = new WeakMap<AnyStateMachine, Persisted>();

  snapshot(machine: AnyStateMachine, input: JobInput, childIds: string[]): unknown {
    let template = this.templates.get(machine);
    if (!template) {
      template = bornQueued(machine, input, []) as Persisted;
      this.templates.set(machine, template);
    }
    const children: Record<string, "pending"> = {};
    for (const id of childIds) children[id] = "pending";
    return { ...template, context: { ...template.context, ...input, children } };
  }
}

/** The same snapshot, computed by the machine itself. */
export function bornQueued(machine: AnyStateMachine, input: JobInput, childIds: string[]): unknown {
  let [snapshot] = initialTransition(machine, input);
  if (childIds.length > 0) [snapshot] = transition(machine, snapshot, { type: "job.children.added", ids: childIds });
  return machine.getPersistedSnapshot(snapshot);
}
