import type { JobRecord, Store } from "../store/index.ts";
import type { Bus } from "./bus.ts";
import { flatState } from "./projection.ts";

/** A fixed-bucket histogram (Prometheus semantics: cumulative buckets, sum and count). */
export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] ?? Infinity)) this.counts[i]!++;
  }
}

const SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 3600];
const MS = [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000];
const SIZES = [1, 2, 5, 10, 50, 100, 500, 1000, 2000];

/**
 * What the engine counts for /metrics. Jobs by state and type are read once from the store (lazily, at
 * the first scrape) and then kept up to date from engine notifications, so a scrape never scans the jobs.
 */
export class EngineMetrics {
  private byStateType: Map<string, number> | null = null;
  readonly transitions = new Map<string, number>();
  readonly queueWait = new Histogram(SECONDS);
  readonly runTime = new Histogram(SECONDS);
  readonly commitLatency = new Histogram(MS);
  readonly commitBatch = new Histogram(SIZES);

  constructor(
    private readonly store: Store,
    bus: Bus,
  ) {
    bus.on("job:created", ({ job }) => this.move(job, null, job.state));
    bus.on("job:transition", ({ job, transition }) => {
      this.transitions.set(transition.event, (this.transitions.get(transition.event) ?? 0) + 1);
      const from = transition.from === "" ? null : flatState(transition.from);
      if (from !== job.state) this.move(job, from, job.state);
      if (transition.event === "job.start" && job.startedAt !== null) {
        this.queueWait.observe(Math.max(0, job.startedAt - Math.max(job.createdAt, job.runAt)) / 1000);
      }
    });
    bus.on("job:finished", ({ job }) => {
      if (job.startedAt !== null && job.finishedAt !== null) this.runTime.observe((job.finishedAt - job.startedAt) / 1000);
    });
    bus.on("job:deleted", ({ state, type }) => this.bump(`${state}\0${type}`, -1));
    bus.on("store:commit", ({ size, ms }) => {
      this.commitLatency.observe(ms);
      this.commitBatch.observe(size);
    });
  }

  jobsByStateAndType(): { state: string; type: string; count: number }[] {
    if (!this.byStateType) {
      this.byStateType = new Map();
      for (const row of this.store.countByState()) this.byStateType.set(`${row.state}\0${row.type}`, row.count);
    }
    return [...this.byStateType.entries()]
      .filter(([, count]) => count > 0)
      .map(([key, count]) => {
        const [state = "", type = ""] = key.split("\0");
        return { state, type, count };
      });
  }

  private move(job: JobRecord, from: string | null, to: string): void {
    if (from) this.bump(`${from}\0${job.type}`, -1);
    this.bump(`${to}\0${job.type}`, 1);
  }

  private bump(key: string, by: number): void {
    if (!this.byStateType) return;
    this.byStateType.set(key, (this.byStateType.get(key) ?? 0) + by);
  }
}
