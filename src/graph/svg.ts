import { FONT, internalLines, NODE } from "./measure.ts";
import type { GraphNode, LaidOutGraph, Point } from "./types.ts";

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * The drawing's own styles, so an exported SVG looks right on its own. Pages that embed it may add
 * rules for `.sc-lit` (the current state and its ancestors) and `.sc-taken` (the last edge taken).
 */
const STYLE = `
.statechart{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#fff}
.sc-box{fill:#fff;stroke:#5b6675;stroke-width:1.2}
.sc-compound>.sc-box{fill:#f5f7fa}
.sc-machine>.sc-box{fill:#eef2f7;stroke:#8a96a6;stroke-dasharray:6 4}
.sc-final>.sc-box{stroke-width:3;stroke:#5b6675;paint-order:stroke}
.sc-title{font-size:${FONT.title.size}px;font-weight:600;fill:#1d2430}
.sc-machine>.sc-title{fill:#4a5566}
.sc-line{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:${FONT.line.size}px;fill:#4a5566}
.sc-edge path{fill:none;stroke:#7b8694;stroke-width:1.3}
.sc-edge.sc-kind-always path{stroke-dasharray:4 3}
.sc-edge.sc-kind-invoke path{stroke:#9b6bd6;stroke-dasharray:2 4;stroke-width:1.6}
.sc-label-bg{fill:#fff;fill-opacity:.88}
.sc-edge .sc-line{fill:#2f3a4a}
.sc-initial{fill:#1d2430}
.sc-initial-edge{fill:none;stroke:#1d2430;stroke-width:1.3}
.sc-lit>.sc-box{fill:#fff6d6;stroke:#c98a00;stroke-width:2}
.sc-lit.sc-current>.sc-box{fill:#ffd54a;stroke:#8a5a00;stroke-width:3}
.sc-taken path{stroke:#d9480f;stroke-width:2.6}
.sc-taken .sc-line{fill:#d9480f;font-weight:700}
`;

function nodeClass(node: GraphNode): string {
  const kinds = ["sc-node", `sc-${node.type}`];
  if (node.parent === null) kinds.push("sc-machine");
  return kinds.join(" ");
}

const path = (points: Point[]): string =>
  points.map((p, i) => `${i === 0 ? "M" : "L"}${n(p.x)} ${n(p.y)}`).join(" ");

function textLines(lines: string[], x: number, y: number, anchor: "start" | "middle"): string {
  return lines
    .map((line, i) => `<text class="sc-line" x="${n(x)}" y="${n(y + i * FONT.lineHeight)}" text-anchor="${anchor}">${esc(line)}</text>`)
    .join("");
}

/**
 * A laid-out graph as a standalone SVG. Every state is a `g.sc-node[data-node]` and every edge a
 * `g.sc-edge[data-source][data-target][data-events]`, so a page can light them without redrawing.
 */
export function toSvg(graph: LaidOutGraph, options: { idPrefix?: string } = {}): string {
  const { layout } = graph;
  const marker = `${options.idPrefix ?? "sc"}-arrow-${graph.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const depth = (node: GraphNode): number => {
    let d = 0;
    for (let p = node.parent; p; p = graph.nodes.find((x) => x.id === p)?.parent ?? null) d++;
    return d;
  };
  const nodes = [...graph.nodes].sort((a, b) => depth(a) - depth(b));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-graph="${esc(graph.id)}" ` +
      `viewBox="0 0 ${n(layout.width)} ${n(layout.height)}" width="${n(layout.width)}" height="${n(layout.height)}" ` +
      `role="img" aria-label="${esc(graph.title)}">`,
  );
  out.push(`<title>${esc(graph.title)}</title><style>${STYLE}</style>`);
  out.push(
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" ` +
      `orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>`,
  );
  out.push(`<g class="sc-nodes">`);
  for (const node of nodes) {
    const box = layout.nodes[node.id];
    if (!box) continue;
    const radius = node.type === "final" ? 14 : 8;
    const title = node.parent === null ? `${node.key} machine` : node.key;
    const compound = node.children.length > 0;
    const titleX = compound ? box.x + NODE.paddingX : box.x + box.width / 2;
    out.push(
      `<g class="${nodeClass(node)}" data-node="${esc(node.id)}" data-machine="${esc(node.machine)}">` +
        `<rect class="sc-box" x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="${radius}"/>` +
        `<text class="sc-title" x="${n(titleX)}" y="${n(box.y + 19)}" text-anchor="${compound ? "start" : "middle"}">${esc(title)}</text>` +
        textLines(internalLines(node.internal), titleX, box.y + 19 + FONT.lineHeight, compound ? "start" : "middle") +
        `</g>`,
    );
  }
  out.push(`</g><g class="sc-initials">`);
  for (const [parent, dot] of Object.entries(layout.initials)) {
    const r = dot.width / 2;
    out.push(
      `<g data-initial-of="${esc(parent)}"><circle class="sc-initial" cx="${n(dot.x + r)}" cy="${n(dot.y + r)}" r="${n(r - 1)}"/>` +
        `<path class="sc-initial-edge" d="${path(dot.edge)}" marker-end="url(#${marker})"/></g>`,
    );
  }
  out.push(`</g><g class="sc-edges">`);
  for (const edge of graph.edges) {
    const route = layout.edges[edge.id];
    if (!route || route.points.length < 2) continue;
    const events = [...new Set(edge.transitions.map((t) => t.event))].join(" ");
    let labels = "";
    for (const label of route.labels) {
      labels +=
        `<rect class="sc-label-bg" x="${n(label.x)}" y="${n(label.y)}" width="${n(label.width)}" height="${n(label.height)}" rx="3"/>` +
        textLines(edge.label, label.x + 4, label.y + FONT.line.size + 2, "start");
    }
    out.push(
      `<g class="sc-edge sc-kind-${edge.kind}" data-edge="${esc(edge.id)}" data-source="${esc(edge.source)}" ` +
        `data-target="${esc(edge.target)}" data-events="${esc(events)}">` +
        `<path d="${path(route.points)}" marker-end="url(#${marker})"/>${labels}</g>`,
    );
  }
  out.push(`</g></svg>`);
  return out.join("\n");
}
