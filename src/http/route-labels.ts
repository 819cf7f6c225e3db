/**
 * The route template a request falls under (`/api/v1/jobs/:id`), for the `route` label of the HTTP
 * counters. Matches the way Elysia routes: the request's own method before `ALL`, and at each segment
 * a fixed segment before a `:param`, and a `:param` before a `*`. A trailing slash does not count.
 */
export interface RouteTemplate {
  method: string;
  path: string;
}

interface Template {
  label: string;
  segments: string[];
}

const UNMATCHED = "unmatched";

/** Segments of a path without its trailing slash; `/` has none. */
const segmentsOf = (path: string): string[] => path.split("/").filter((s, i, all) => i > 0 && (s !== "" || i < all.length - 1));

/** 0 for a fixed segment, 1 for a param, 2 for a wildcard; -1 when the segment does not fit. */
function rank(template: string, segment: string | undefined): number {
  if (template === "*") return 2;
  if (segment === undefined) return -1;
  if (template.startsWith(":")) return segment === "" ? -1 : 1;
  return template === segment ? 0 : -1;
}

/** The ranks of each segment when `t` matches `segments`; undefined when it does not. */
function ranks(t: Template, segments: string[]): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < t.segments.length; i++) {
    const r = rank(t.segments[i]!, segments[i]);
    if (r < 0) return undefined;
    out.push(r);
    if (r === 2) return out; // a wildcard takes the rest
  }
  return t.segments.length === segments.length ? out : undefined;
}

/**
 * True when rank list `a` is the better match: the first segment that differs decides. When one list
 * is the start of the other, the longer one ends in a wildcard that matched nothing, and loses.
 */
function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}

export class RouteLabels {
  private byMethod: Map<string, Template[]> | undefined;

  /** `routes` is read on first use, once every surface has added its routes. */
  constructor(private readonly routes: () => readonly RouteTemplate[]) {}

  /** The template of `url` for `method`, or `unmatched`. */
  of(method: string, url: string): string {
    const start = url.indexOf("/", url.indexOf("//") + 2);
    if (start < 0) return UNMATCHED;
    let end = url.length;
    for (const stop of ["?", "#"]) {
      const at = url.indexOf(stop, start);
      if (at >= 0 && at < end) end = at;
    }
    const segments = segmentsOf(url.slice(start, end));
    return this.best(method, segments) ?? this.best("ALL", segments) ?? UNMATCHED;
  }

  private best(method: string, segments: string[]): string | undefined {
    let found: { label: string; ranks: number[] } | undefined;
    for (const t of this.table().get(method) ?? []) {
      const r = ranks(t, segments);
      if (r && (!found || better(r, found.ranks))) found = { label: t.label, ranks: r };
    }
    return found?.label;
  }

  private table(): Map<string, Template[]> {
    if (this.byMethod) return this.byMethod;
    const table = new Map<string, Template[]>();
    for (const { method, path } of this.routes()) {
      const list = table.get(method) ?? [];
      if (!list.some((t) => t.label === path)) list.push({ label: path, segments: segmentsOf(path) });
      table.set(method, list);
    }
    return (this.byMethod = table);
  }
}
