import { initialTransition, transition, type AnyStateMachine } from "xstate";
import type { JobInput } from "../../machines/index.ts";

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
