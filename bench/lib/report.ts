/** The shape of every measured figure, and RESULTS.md rendered from them. */
import type { MachineFacts } from "./machine.ts";
import { fmt, fmtSpread, spread, type Spread } from "./stats.ts";

export interface Target {
  text: string;
  pass: boolean | null;
}

export interface Row {
  label: string;
  value: Spread | null;
  unit: string;
  digits?: number;
  baseline?: { label: string; value: Spread };
  /** Per-round ratios value/baseline (runs are interleaved, so each round is a pair). */
  ratio?: Spread;
  target?: Target;
  /** Shown instead of a value (e.g. "not yet served"). */
  status?: string;
}

export interface Section {
  id: string;
  title: string;
  how: string;
  rows: Row[];
  notes: string[];
}

export function ratioOf(values: number[], baselines: number[]): Spread {
  return spread(values.map((v, i) => v / (baselines[i] ?? Number.NaN)));
}

/**
 * A row measured against a baseline taken in the same rounds: both as medians with their ranges, and
 * the per-round ratio. Values and baselines pair up by round.
 */
export function against(
  label: string,
  values: number[],
  unit: string,
  baseline: { label: string; values: number[] },
): Row & { value: Spread; ratio: Spread } {
  return {
    label,
    value: spread(values),
    unit,
    baseline: { label: baseline.label, value: spread(baseline.values) },
    ratio: ratioOf(values, baseline.values),
  };
}

export function atLeast(ratio: Spread, min: number, what: string): Target {
  return { text: `≥ ${min}x ${what}`, pass: Number.isFinite(ratio.median) ? ratio.median >= min : null };
}

export function atMost(value: number, max: number, text: string): Target {
  return { text, pass: Number.isFinite(value) ? value <= max : null };
}

const verdict = (t?: Target): string => (!t ? "" : t.pass === null ? "not measured" : t.pass ? "**pass**" : "**FAIL**");

function renderRow(r: Row): string {
  const digits = r.digits ?? 0;
  const value = r.status ?? (r.value ? `${fmtSpread(r.value, digits)} ${r.unit}` : "n/a");
  const baseline = r.baseline ? `${r.baseline.label}: ${fmtSpread(r.baseline.value, digits)} ${r.unit}` : "";
  const ratio = r.ratio ? `${fmtSpread(r.ratio, 2)}x` : "";
  return `| ${r.label} | ${value} | ${baseline} | ${ratio} | ${r.target?.text ?? ""} | ${verdict(r.target)} |`;
}

export interface RunInfo {
  command: string;
  facts: MachineFacts;
  loadAfter: number[];
  elapsedS: number;
  runs: number;
  seconds: number;
  cores: string;
  jobdBin: string;
  jobdBytes: number;
  quick: boolean;
}

export function renderResults(info: RunInfo, sections: Section[]): string {
  const f = info.facts;
  // The bench keeps both cores busy itself, so only the load before it started says whether other
  // work shared the machine.
  const busy = (f.loadBefore[0] ?? 0) >= f.nproc / 2;
  const targets = sections.flatMap((s) => s.rows.filter((r) => r.target).map((r) => ({ s, r })));
  const failed = targets.filter(({ r }) => r.target?.pass === false);
  const lines = [
    "# jobd benchmark results",
    "",
    `Written by \`${info.command}\` (bench/run.ts) on ${f.date}; the run took ${Math.round(info.elapsedS)} s.`,
    info.quick ? "\n**Quick run (one short run per figure, small seeds): for the harness, not for reading.**" : "",
    "",
    "Every figure is the median of its runs with the min–max in brackets. Where a figure has a baseline, the",
    "baseline was measured in the same run, interleaved with it round by round, and the ratio column is the",
    "median (min–max) of the per-round ratios. The load generator is a separate process on 127.0.0.1.",
    "",
    "## Machine",
    "",
    `- CPU: ${f.nproc} × ${f.cpu}; memory ${f.memoryGiB} GiB; ${f.kernel}`,
    `- Bun ${f.bun}, Node ${f.node}, ${f.redis}, ${f.wrk}`,
    `- Pinning: ${info.cores}`,
    `- Runs: ${info.runs} per figure, ${info.seconds} s each (sweeps: shorter, see each section)`,
    `- Load average (1, 5, 15 min) before: ${f.loadBefore.join(", ")}; after: ${info.loadAfter.join(", ")}`,
    `- Binary: ${info.jobdBin} (${fmt(info.jobdBytes / 2 ** 20, 1)} MiB)`,
    "",
    busy
      ? `> **Busy machine.** The 1-minute load average was ${f.loadBefore[0]} on ${f.nproc} cores before the run started: other work shared the CPU with the server and the load generator. Absolute numbers are low and noisy; the ratios (baseline measured in the same rounds) are the figures to read.`
      : `> The machine was quiet when the run started (1-minute load average ${f.loadBefore[0]} on ${f.nproc} cores); the bench itself keeps both cores busy while it runs.`,
    "",
    "## Targets",
    "",
    `${targets.length - failed.length} of ${targets.length} targets met.`,
    "",
    "| figure | measure | target | result |",
    "|---|---|---|---|",
    ...targets.map(({ s, r }) => `| ${s.id} | ${r.label} | ${r.target?.text ?? ""} | ${verdict(r.target)} |`),
    "",
    failed.length > 0
      ? "Where a target is missed, docs/performance.md (\"Where the time goes\") says what the profiles show and what would move it."
      : "",
    "",
  ];
  for (const s of sections) {
    lines.push(`## ${s.id}. ${s.title}`, "", s.how, "");
    lines.push("| measure | median (min–max) | baseline (same run) | ratio | target | result |", "|---|---|---|---|---|---|");
    lines.push(...s.rows.map(renderRow));
    if (s.notes.length > 0) lines.push("", ...s.notes.map((n) => `- ${n}`));
    lines.push("");
  }
  return lines.filter((l, i, all) => !(l === "" && all[i - 1] === "")).join("\n");
}
