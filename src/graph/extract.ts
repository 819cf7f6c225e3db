import type { AnyStateMachine, AnyStateNode } from "xstate";
import type { EdgeKind, GraphEdge, GraphNode, MachineGraph, TransitionInfo } from "./types.ts";

/** XState names its built-in actions `xstate.*`; the ones a reader cares about keep a short name. */
function actionName(action: unknown): string | null {
  const raw =
    typeof action === "string"
      ? action
      : typeof action === "function"
        ? ((action as { type?: unknown }).type ?? action.name)
        : (action as { type?: unknown } | null)?.type;
  if (typeof raw !== "string" || raw === "") return "(inline)";
  if (raw === "xstate.raise" || raw === "xstate.cancel") return null; // the plumbing of `after` timers
  return raw.startsWith("xstate.") ? raw.slice("xstate.".length) : raw;
}

const actionNames = (actions: readonly unknown[]): string[] =>
  actions.map(actionName).filter((a): a is string => a !== null);

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === "string") return guard;
  const type = (guard as { type?: unknown }).type;
  if (typeof type === "string") return type;
  return typeof guard === "function" && guard.name ? guard.name : "(inline)";
}

/** Turns XState's internal event names back into what the machine's author wrote. */
function describeEvent(node: AnyStateNode, eventType: string): { event: string; kind: EdgeKind } {
  if (eventType === "") return { event: "always", kind: "always" };
  const delayed = node.after.find((t) => t.eventType === eventType);
  if (delayed) return { event: `after ${String(delayed.delay)}`, kind: "after" };
  for (const [prefix, kind] of [
    ["xstate.done.actor.", "done"],
    ["xstate.error.actor.", "error"],
  ] as const) {
    if (!eventType.startsWith(prefix)) continue;
    const invoke = node.invoke.find((i) => i.id === eventType.slice(prefix.length));
    const src = invoke ? (typeof invoke.src === "string" ? invoke.src : "actor") : "actor";
    return { event: `${kind}: ${src}`, kind };
  }
  if (eventType.startsWith("xstate.done.state.")) return { event: "done", kind: "done" };
  return { event: eventType, kind: "event" };
}

const lineOf = (t: TransitionInfo): string => (t.guard ? `${t.event} [${t.guard}]` : t.event);

const invokeName = (invoke: { src: unknown; id: string }): string =>
  typeof invoke.src === "string" ? invoke.src : invoke.id;

/**
 * A machine's states and transitions as a graph. Pure: reads the machine definition only.
 * Transitions between the same two states share one edge, in the order the machine tries them.
 */
export function extractGraph(machine: AnyStateMachine, options: { id?: string; title?: string } = {}): MachineGraph {
  const nodes: GraphNode[] = [];
  const edges = new Map<string, GraphEdge>();

  const visit = (node: AnyStateNode): void => {
    const internal: TransitionInfo[] = [];
    const outgoing: { eventType: string; t: { target?: readonly AnyStateNode[]; guard?: unknown; actions: readonly unknown[] } }[] = [];
    for (const [eventType, list] of node.transitions) for (const t of list) outgoing.push({ eventType, t });
    for (const t of node.always ?? []) outgoing.push({ eventType: "", t });
    for (const { eventType, t } of outgoing) {
      const { event, kind } = describeEvent(node, eventType);
      const info: TransitionInfo = { event, guard: guardName(t.guard), actions: actionNames(t.actions) };
      const targets = t.target ?? [];
      if (targets.length === 0) {
        internal.push(info);
        continue;
      }
      for (const target of targets) {
        const key = `${node.id}->${target.id}`;
        let edge = edges.get(key);
        if (!edge) {
          edge = { id: `e${edges.size}`, source: node.id, target: target.id, kind, transitions: [], label: [] };
          edges.set(key, edge);
        } else if (edge.kind !== kind) {
          edge.kind = "event";
        }
        edge.transitions.push(info);
        edge.label.push(lineOf(info));
      }
    }
    const initialIds = new Set((node.parent?.initial?.target ?? []).map((t: AnyStateNode) => t.id));
    const children = Object.values(node.states) as AnyStateNode[];
    nodes.push({
      id: node.id,
      key: node.key,
      machine: machine.id,
      parent: node.parent?.id ?? null,
      children: children.map((c) => c.id),
      type: node.type,
      initial: node.parent === undefined || initialIds.has(node.id),
      entry: actionNames(node.entry),
      exit: actionNames(node.exit),
      invoke: node.invoke.map(invokeName),
      internal,
    });
    for (const child of children) visit(child);
  };
  visit(machine.root);
  return {
    id: options.id ?? machine.id,
    title: options.title ?? machine.id,
    roots: [machine.root.id],
    nodes,
    edges: [...edges.values()],
  };
}

/**
 * A kind as jobd runs it: the lifecycle machine above the kind's work machine, with an `invoke` edge
 * from the lifecycle state that runs the work (the one whose entry spawns it) to the work machine.
 */
export function kindGraph(kind: string, lifecycle: AnyStateMachine, work: AnyStateMachine): MachineGraph {
  const life = extractGraph(lifecycle);
  const inner = extractGraph(work);
  const runs = life.nodes.find((n) => n.entry.includes("spawnWork") || n.invoke.includes("work"));
  const edges = [...life.edges, ...inner.edges.map((e, i) => ({ ...e, id: `w${i}` }))];
  if (runs) {
    edges.push({
      id: "invoke",
      source: runs.id,
      target: inner.roots[0] ?? work.id,
      kind: "invoke",
      transitions: [{ event: "runs work", guard: null, actions: [] }],
      label: ["runs work"],
    });
  }
  return {
    id: kind,
    title: `${kind}: ${lifecycle.id} + ${work.id}`,
    roots: [...life.roots, ...inner.roots],
    nodes: [...life.nodes, ...inner.nodes],
    edges,
  };
}
