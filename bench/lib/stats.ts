/** Medians and ranges of repeated runs: every figure in RESULTS.md is the median of its runs. */
export interface Spread {
  runs: number[];
  median: number;
  min: number;
  max: number;
}

export function spread(runs: number[]): Spread {
  if (runs.length === 0) return { runs, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { runs, median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/**
 * The rate of work that costs, per item, the time of two measured rates added (both on one core), run
 * by run: what a job doing both and nothing else could reach.
 */
export function together(a: number[], b: number[]): number[] {
  return a.map((x, i) => 1 / (1 / x + 1 / (b[i] ?? Number.NaN)));
}

/** The q-quantile (0..1) of a list of samples, nearest rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Human formatting: 12,345 for rates, 1.23 for small values. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "n/a";
  if (digits === 0 && Math.abs(value) < 10) digits = Math.abs(value) < 1 ? 3 : 2;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtSpread(s: Spread, digits = 0): string {
  if (s.runs.length <= 1) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}
