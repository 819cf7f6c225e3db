import type { GraphEdge, GraphNode, MachineGraph } from "./types.ts";

const idOf = (id: string): string => id.replace(/[^A-Za-z0-9_]/g, "_");
const labelOf = (text: string): string => text.replace(/[\n;#]/g, " ");

/**
 * A graph as a Mermaid `stateDiagram-v2`. Each transition is one arrow (Mermaid draws parallel arrows
 * apart), placed in the innermost state that holds both ends so Mermaid keeps nesting intact.
 * Internal transitions have no arrow in Mermaid; they are kept as comments.
 */
export function toMermaid(graph: MachineGraph): string {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let p = byId.get(id)?.parent ?? null; p; p = byId.get(p)?.parent ?? null) out.push(p);
    return out;
  };
  /** The innermost composite containing both ends, or null for the top level. */
  const container = (edge: GraphEdge): string | null => {
    const from = [edge.source, ...ancestors(edge.source)];
    const to = new Set([edge.target, ...ancestors(edge.target)]);
    for (const candidate of from) {
      if (to.has(candidate) && candidate !== edge.source && candidate !== edge.target) return candidate;
    }
    // One end holds the other: the arrow goes in the holder's parent.
    const outer = to.has(edge.source) ? edge.source : from.includes(edge.target) ? edge.target : null;
    return outer ? (byId.get(outer)?.parent ?? null) : null;
  };
  const edgesIn = new Map<string | null, GraphEdge[]>();
  for (const edge of graph.edges) {
    const key = container(edge);
    edgesIn.set(key, [...(edgesIn.get(key) ?? []), edge]);
  }
  const lines: string[] = ["stateDiagram-v2"];
  const arrows = (key: string | null, indent: string): void => {
    for (const edge of edgesIn.get(key) ?? []) {
      for (const label of edge.label) {
        lines.push(`${indent}${idOf(edge.source)} --> ${idOf(edge.target)} : ${labelOf(label)}`);
      }
    }
  };
  const emit = (node: GraphNode, indent: string): void => {
    const name = node.parent === null ? `${node.key} machine` : node.key;
    for (const t of node.internal) {
      lines.push(`${indent}%% ${idOf(node.id)} internal: ${labelOf(t.event)}${t.guard ? ` [${t.guard}]` : ""}`);
    }
    if (node.children.length === 0) {
      lines.push(`${indent}state "${name}" as ${idOf(node.id)}`);
      if (node.type === "final") lines.push(`${indent}${idOf(node.id)} --> [*]`);
      return;
    }
    lines.push(`${indent}state "${name}" as ${idOf(node.id)} {`);
    const inner = `${indent}  `;
    for (const child of node.children) {
      const c = byId.get(child);
      if (c?.initial) lines.push(`${inner}[*] --> ${idOf(child)}`);
    }
    for (const child of node.children) {
      const c = byId.get(child);
      if (c) emit(c, inner);
    }
    arrows(node.id, inner);
    lines.push(`${indent}}`);
  };
  for (const root of graph.roots) {
    const node = byId.get(root);
    if (node) emit(node, "  ");
  }
  arrows(null, "  ");
  return `${lines.join("\n")}\n`;
}
