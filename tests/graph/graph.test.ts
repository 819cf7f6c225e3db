import { describe, expect, test } from "bun:test";
import type { AnyStateMachine } from "xstate";
import { extractGraph, kindGraph, layoutGraph, toMermaid, toSvg, type MachineGraph } from "../../src/graph/index.ts";
import { externalMachine, httpMachine, jobMachine, scriptMachine } from "../../machines/index.ts";

const machine = (m: unknown) => m as AnyStateMachine;
const node = (g: MachineGraph, id: string) => g.nodes.find((n) => n.id === id);
const edge = (g: MachineGraph, source: string, target: string) =>
  g.edges.find((e) => e.source === source && e.target === target);

describe("extractGraph on the lifecycle machine", () => {
  const g = extractGraph(jobMachine);

  test("every state is a node with XState's id, nested under its parent", () => {
    const ids = g.nodes.map((n) => n.id).sort();
    expect(ids).toEqual(
      [
        "job",
        "job.queued",
        "job.running",
        "job.running.working",
        "job.running.waiting",
        "job.running.joining",
        "job.cancelling",
        "job.succeeded",
        "job.failed",
        "job.canceled",
      ].sort(),
    );
    expect(node(g, "job.running")?.children).toEqual(["job.running.working", "job.running.waiting", "job.running.joining"]);
    expect(node(g, "job.running.waiting")?.parent).toBe("job.running");
    expect(node(g, "job.running")?.type).toBe("compound");
    expect(node(g, "job.failed")?.type).toBe("final");
    expect(g.roots).toEqual(["job"]);
  });

  test("initial states are marked", () => {
    expect(node(g, "job.queued")?.initial).toBe(true);
    expect(node(g, "job.running.working")?.initial).toBe(true);
    expect(node(g, "job.running.waiting")?.initial).toBe(false);
  });

  test("transitions are edges labelled with their events and guards", () => {
    expect(edge(g, "job.queued", "job.running")?.label).toEqual(["job.start"]);
    const answer = edge(g, "job.running.waiting", "job.running.working");
    expect(answer?.transitions[0]).toEqual({ event: "job.answer", guard: "isValidAnswer", actions: ["recordAnswer", "forwardAnswer"] });
    expect(edge(g, "job.running.working", "job.running.waiting")?.label).toEqual(["job.prompt"]);
    // All the ways from running to failed share one edge, in the order the machine tries them.
    const failed = edge(g, "job.running", "job.failed");
    expect(failed?.transitions.map((t) => t.event)).toContain("job.fail");
    expect(failed?.transitions.map((t) => t.event)).toContain("job.timeout");
    expect(edge(g, "job.running.joining", "job.succeeded")?.kind).toBe("always");
  });

  test("targetless transitions are kept inside their state, not drawn", () => {
    expect(node(g, "job.running")?.internal.map((t) => t.event)).toContain("job.progress");
    expect(g.edges.some((e) => e.transitions.some((t) => t.event === "job.progress"))).toBe(false);
  });

  test("edge ids are unique and every edge joins known nodes", () => {
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
    for (const e of g.edges) {
      expect(ids.has(e.source)).toBe(true);
      expect(ids.has(e.target)).toBe(true);
    }
  });
});

describe("kindGraph", () => {
  test("script: the lifecycle beside the work machine, joined by the running state", () => {
    const g = kindGraph("script", jobMachine, machine(scriptMachine));
    expect(g.roots).toEqual(["job", "script"]);
    const invoke = g.edges.find((e) => e.kind === "invoke");
    expect(invoke).toMatchObject({ source: "job.running", target: "script" });
    expect(edge(g, "script.sleeping", "script.stepping")?.label).toEqual(["after stepDelay"]);
    expect(edge(g, "script.asking", "script.stepping")?.label).toEqual(["work.answer"]);
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
  });

  test("http: an invoked actor's done and error events read as such", () => {
    const g = kindGraph("http", jobMachine, machine(httpMachine));
    expect(edge(g, "http.requesting", "http.done")?.label).toEqual(["done: request", "error: request"]);
    expect(node(g, "http.requesting")?.invoke).toEqual(["request"]);
  });

  test("external: the work machine only remembers what it was told", () => {
    const g = kindGraph("external", jobMachine, machine(externalMachine));
    expect(node(g, "external.leased")?.internal.map((t) => t.event)).toEqual(["work.answer", "work.cancel"]);
  });
});

describe("toMermaid", () => {
  const text = toMermaid(kindGraph("script", jobMachine, machine(scriptMachine)));

  test("is a state diagram with nested composites", () => {
    expect(text.startsWith("stateDiagram-v2\n")).toBe(true);
    expect(text).toContain('state "running" as job_running {');
    expect(text).toContain("[*] --> job_running_working");
    expect(text).toContain("job_succeeded --> [*]");
  });

  test("every transition is an arrow with its event", () => {
    expect(text).toContain("job_queued --> job_running : job.start");
    expect(text).toContain("job_running_waiting --> job_running_working : job.answer [isValidAnswer]");
    expect(text).toContain("script_sleeping --> script_stepping : after stepDelay");
    expect(text).toContain("job_running --> script : runs work");
  });

  test("arrows sit inside the innermost composite holding both ends", () => {
    const running = text.slice(text.indexOf('state "running"'), text.indexOf("}", text.indexOf('state "running"')));
    expect(running).toContain("job_running_working --> job_running_waiting : job.prompt");
    expect(running).not.toContain("job_queued --> job_running");
  });

  test("braces balance", () => {
    expect(text.split("{").length).toBe(text.split("}").length);
  });
});

describe("layout and SVG", async () => {
  const graph = await layoutGraph(kindGraph("script", jobMachine, machine(scriptMachine)));

  test("every node has a box inside its parent's box", () => {
    const { nodes } = graph.layout;
    for (const n of graph.nodes) {
      const box = nodes[n.id];
      expect(box).toBeDefined();
      if (!box || !n.parent) continue;
      const outer = nodes[n.parent];
      if (!outer) throw new Error(`no box for ${n.parent}`);
      expect(box.x).toBeGreaterThanOrEqual(outer.x);
      expect(box.y).toBeGreaterThanOrEqual(outer.y);
      expect(box.x + box.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
      expect(box.y + box.height).toBeLessThanOrEqual(outer.y + outer.height + 0.5);
    }
  });

  test("every edge is routed and every label placed within the drawing", () => {
    for (const e of graph.edges) {
      const route = graph.layout.edges[e.id];
      expect(route?.points.length ?? 0).toBeGreaterThanOrEqual(2);
      for (const l of route?.labels ?? []) {
        expect(l.x).toBeGreaterThanOrEqual(0);
        expect(l.x + l.width).toBeLessThanOrEqual(graph.layout.width + 0.5);
      }
    }
    expect(Object.keys(graph.layout.initials).sort()).toEqual(["job", "job.running", "script"]);
  });

  test("the SVG draws every state and edge with the attributes a page lights", () => {
    const svg = toSvg(graph);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    for (const n of graph.nodes) expect(svg).toContain(`data-node="${n.id}"`);
    expect(svg).toContain('data-source="job.running.waiting" data-target="job.running.working"');
    expect(svg).toContain("job.answer [isValidAnswer]");
    expect((svg.match(/class="sc-edge /g) ?? []).length).toBe(graph.edges.length);
    // Well formed enough for a parser: no raw brackets leak out of labels.
    expect(svg).not.toContain("<isValidAnswer>");
  });

  test("text is escaped", () => {
    const tricky = kindGraph("script", jobMachine, machine(scriptMachine));
    tricky.title = `<script>alert("x")</script>`;
    const svg = toSvg({ ...tricky, layout: graph.layout });
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
  });
});
