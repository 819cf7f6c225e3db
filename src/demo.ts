import type { Engine } from "./engine/index.ts";
import type { JobSpec } from "./job-view.ts";

/** Demo jobs a newcomer can watch: a countdown, a question, and a tree of children. */
export const DEMO_JOBS: JobSpec[] = [
  {
    type: "script",
    description: "countdown from 10",
    namespace: "demo",
    input: {
      steps: Array.from({ length: 10 }, (_, i) => [
        { progress: i * 10, message: `${10 - i}…` },
        { sleep: 1000 },
      ]).flat(),
    },
  },
  {
    type: "script",
    description: "copy files (asks before overwriting)",
    namespace: "demo",
    input: {
      steps: [
        { progress: 20, message: "copying" },
        { sleep: 1500 },
        { prompt: "Overwrite report.pdf?", buttons: ["Yes", "Yes to All", "No"] },
        { progress: 80, message: "finishing" },
        { sleep: 1000 },
      ],
    },
  },
  {
    type: "script",
    description: "clone a server (three drives)",
    namespace: "demo",
    input: { steps: [{ progress: 5, message: "preparing" }, { sleep: 500 }] },
    children: ["system", "data", "logs"].map((name, i) => ({
      type: "script",
      description: `clone drive ${name}`,
      input: {
        steps: [
          { progress: 25, message: "copying" },
          { sleep: 1500 + i * 1000 },
          { progress: 75, message: "verifying" },
          { sleep: 1000 },
        ],
      },
    })),
  },
];

export async function seedDemo(engine: Engine): Promise<number> {
  const unfinished = engine.count({ namespace: "demo", states: ["queued", "running", "waiting", "cancelling"], limit: 1 });
  if (unfinished > 0) return 0;
  for (const spec of DEMO_JOBS) await engine.create(spec);
  return DEMO_JOBS.length;
}
