import type { AnyActorLogic, AnyStateMachine } from "xstate";
import { extractGraph, kindGraph } from "./extract.ts";
import { layoutGraph } from "./layout.ts";
import type { LaidOutGraph } from "./types.ts";

/** What this module needs from the engine's kind registry. */
export interface KindSource {
  names(): string[];
  isBuiltIn(name: string): boolean;
  get(name: string): { work: AnyActorLogic; inProcess: boolean };
  machineFor(name: string): AnyStateMachine;
  versionOf(name: string): string;
}

export interface KindSummary {
  kind: string;
  /** `job@1/script@1`: the lifecycle's version and the work machine's, as stored beside snapshots. */
  version: string;
  inProcess: boolean;
  description: string;
}

/** Every type no built-in kind claims runs on external workers; its graph is listed under this name. */
export const EXTERNAL_KIND = "external";

const isMachine = (logic: AnyActorLogic): logic is AnyStateMachine =>
  typeof logic === "object" && logic !== null && "root" in logic && "id" in logic;

/**
 * The laid-out graph of each kind, computed once: machine definitions are compiled in and never
 * change while jobd runs.
 */
export class KindGraphs {
  private readonly cache = new Map<string, Promise<LaidOutGraph>>();

  constructor(private readonly kinds: KindSource) {}

  list(): KindSummary[] {
    const names = this.kinds.names().filter((n) => n !== EXTERNAL_KIND);
    return [...names, EXTERNAL_KIND].map((kind) => ({
      kind,
      version: this.kinds.versionOf(kind),
      inProcess: this.kinds.get(kind).inProcess,
      description:
        kind === EXTERNAL_KIND
          ? "every type no built-in kind claims: leased and run by external workers"
          : this.kinds.get(kind).inProcess
            ? "built in: the work runs inside jobd"
            : "built in: the work runs on external workers",
    }));
  }

  has(kind: string): boolean {
    return kind === EXTERNAL_KIND || this.kinds.isBuiltIn(kind);
  }

  /** The kind a stored job runs as: its own when built in, `external` otherwise. */
  kindOf(storedKind: string): string {
    return this.kinds.isBuiltIn(storedKind) ? storedKind : EXTERNAL_KIND;
  }

  /** Undefined for a kind jobd does not know. */
  graph(kind: string): Promise<LaidOutGraph> | undefined {
    if (!this.has(kind)) return undefined;
    let graph = this.cache.get(kind);
    if (!graph) {
      const lifecycle = this.kinds.machineFor(kind);
      const work = this.kinds.get(kind).work;
      const plain = isMachine(work) ? kindGraph(kind, lifecycle, work) : extractGraph(lifecycle, { id: kind, title: kind });
      graph = layoutGraph(plain);
      // A failed layout is not kept: the next request tries again.
      graph.catch(() => this.cache.delete(kind));
      this.cache.set(kind, graph);
    }
    return graph;
  }
}
