/**
 * A machine's statechart as plain data: what /api/v1/machines serves, what Mermaid and SVG are drawn from.
 *
 * Glossary
 * - node: one state. Its id is XState's own (`job.running.waiting`: machine id, then the state path), so a
 *   job's `stateValue` (`running.waiting`) names its node once the machine id is put in front.
 * - edge: every transition from one state to another, grouped: all the events that lead from `source` to
 *   `target` share one edge, each kept in `transitions` with its guard and actions.
 * - internal transition: a transition with no target (it runs actions and stays). It is listed inside its
 *   state rather than drawn.
 * - invoke edge: the lifecycle's `running` state runs the kind's work machine as its `work` child; the
 *   graph of a kind draws both machines side by side with this edge between them.
 */
export type NodeType = "atomic" | "compound" | "parallel" | "final" | "history";

export interface TransitionInfo {
  /** The event as written in the machine (`job.answer`), or `always`, `after <delay>`, `done: <actor>`. */
  event: string;
  guard: string | null;
  actions: string[];
}

export interface GraphNode {
  id: string;
  key: string;
  /** Id of the machine this state belongs to (`job`, `script`…). */
  machine: string;
  parent: string | null;
  children: string[];
  type: NodeType;
  /** The state its parent enters first. */
  initial: boolean;
  entry: string[];
  exit: string[];
  invoke: string[];
  internal: TransitionInfo[];
}

export type EdgeKind = "event" | "always" | "after" | "done" | "error" | "invoke";

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  transitions: TransitionInfo[];
  /** One line per transition: `event [guard]`. */
  label: string[];
}

export interface MachineGraph {
  /** The kind (or machine) this graph shows. */
  id: string;
  title: string;
  /** Top-level machine nodes, in drawing order. */
  roots: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** Absolute coordinates (origin top left) of every node, edge route and label. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: Record<string, Box>;
  /** The small filled dot that points at each machine's or compound state's initial child, by parent id. */
  initials: Record<string, Box & { edge: Point[] }>;
  edges: Record<string, { points: Point[]; labels: Box[] }>;
}

export interface LaidOutGraph extends MachineGraph {
  layout: GraphLayout;
}
