export { extractGraph, kindGraph } from "./extract.ts";
export { layoutGraph } from "./layout.ts";
export { toMermaid } from "./mermaid.ts";
export { toSvg } from "./svg.ts";
export type { GraphEdge, GraphLayout, GraphNode, LaidOutGraph, MachineGraph, TransitionInfo } from "./types.ts";
export { EXTERNAL_KIND, KindGraphs, type KindSource, type KindSummary } from "./kind-graphs.ts";
