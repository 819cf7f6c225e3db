import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import { headerSize, internalLines, labelSize, NODE } from "./measure.ts";
import type { Box, GraphLayout, LaidOutGraph, MachineGraph, Point } from "./types.ts";

type Elk = { layout(graph: ElkNode): Promise<ElkNode> };
let elk: Promise<Elk> | undefined;

/**
 * ELK (the Eclipse Layout Kernel compiled to JS) runs in process; it is loaded on first use so a
 * server that never draws a graph never parses it.
 */
function loadElk(): Promise<Elk> {
  elk ??= import("elkjs/lib/elk.bundled.js").then((mod) => {
    const instance = new mod.default();
    // Outside a browser, the bundle's worker code thinks it runs in a web worker and sets
    // `self.onmessage`, which keeps Bun's event loop alive for ever. Nothing in jobd listens there.
    Reflect.set(globalThis, "onmessage", null);
    return instance;
  });
  return elk;
}

const ROOT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.json.shapeCoords": "ROOT",
  "elk.json.edgeCoords": "ROOT",
  "elk.spacing.nodeNode": "28",
  "elk.layered.spacing.nodeNodeBetweenLayers": "36",
  "elk.spacing.edgeLabel": "4",
  "elk.spacing.edgeNode": "14",
  "elk.spacing.edgeEdge": "10",
  "elk.layered.spacing.edgeNodeBetweenLayers": "14",
  "elk.edgeLabels.inline": "false",
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
  "elk.layered.crossingMinimization.semiInteractive": "false",
  "elk.padding": "[top=12,left=12,bottom=12,right=12]",
};

const initialId = (parent: string) => `${parent}::initial`;
const initialEdgeId = (parent: string) => `${parent}::initial-edge`;

/** Lays a graph out with ELK's layered algorithm; every coordinate in the result is absolute. */
export async function layoutGraph(graph: MachineGraph): Promise<LaidOutGraph> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const elkEdges: ElkExtendedEdge[] = [];
  const toElk = (id: string): ElkNode => {
    const node = byId.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    const size = headerSize(node.key, internalLines(node.internal));
    if (node.children.length === 0) return { id, width: size.width, height: size.height };
    const children = node.children.map(toElk);
    const first = node.children.find((c) => byId.get(c)?.initial);
    if (first) {
      children.unshift({ id: initialId(id), width: NODE.initialSize, height: NODE.initialSize });
      elkEdges.push({ id: initialEdgeId(id), sources: [initialId(id)], targets: [first] });
    }
    const pad = NODE.compoundPadding;
    return {
      id,
      children,
      layoutOptions: {
        "elk.padding": `[top=${size.height + 6},left=${pad},bottom=${pad},right=${pad}]`,
        "elk.nodeSize.constraints": "MINIMUM_SIZE",
        "elk.nodeSize.minimum": `(${size.width}, ${size.height + 20})`,
      },
    };
  };
  const roots = graph.roots.map(toElk);
  for (const edge of graph.edges) {
    const size = labelSize(edge.label);
    elkEdges.push({
      id: edge.id,
      sources: [edge.source],
      targets: [edge.target],
      labels: [{ id: `${edge.id}::label`, text: edge.label.join("\n"), width: size.width, height: size.height }],
    });
  }
  const result = await (await loadElk()).layout({ id: "::root", layoutOptions: ROOT_OPTIONS, children: roots, edges: elkEdges });

  const layout: GraphLayout = { width: result.width ?? 0, height: result.height ?? 0, nodes: {}, initials: {}, edges: {} };
  const box = (n: { x?: number; y?: number; width?: number; height?: number }): Box => ({
    x: n.x ?? 0,
    y: n.y ?? 0,
    width: n.width ?? 0,
    height: n.height ?? 0,
  });
  const edgeRoutes = new Map<string, Point[]>();
  const collect = (n: ElkNode): void => {
    for (const e of n.edges ?? []) {
      const points: Point[] = [];
      for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
      edgeRoutes.set(e.id, points.map((p) => ({ x: p.x, y: p.y })));
      if (byId.size > 0 && !e.id.endsWith("::initial-edge")) {
        layout.edges[e.id] = { points: edgeRoutes.get(e.id) ?? [], labels: (e.labels ?? []).map(box) };
      }
    }
    for (const c of n.children ?? []) {
      if (c.id.endsWith("::initial")) continue;
      layout.nodes[c.id] = box(c);
      collect(c);
    }
  };
  collect(result);
  for (const c of allElkNodes(result)) {
    if (!c.id.endsWith("::initial")) continue;
    const parent = c.id.slice(0, -"::initial".length);
    layout.initials[parent] = { ...box(c), edge: edgeRoutes.get(initialEdgeId(parent)) ?? [] };
  }
  return { ...graph, layout };
}

function allElkNodes(n: ElkNode): ElkNode[] {
  return [n, ...(n.children ?? []).flatMap(allElkNodes)];
}
