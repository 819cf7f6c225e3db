/**
 * The route template a request falls under (`/api/v1/jobs/:id`), for the `route` label of the HTTP
 * counters. Matches the way Elysia routes: the request's own method before `ALL`, and at each segment
 * a fixed segment before a `:param`, and a `:param` before a `*`. A trailing slash does not count.
 *
 * Requests that Bun's router hands to a route look their template up once per route (see
 * route-wrapper.ts); the others (`app.handle`, paths Bun does not route, such as CloudSigma's
 * trailing-slash URLs) look it up on every request, so the lookup walks a tree of segments.
 */
export interface RouteTemplate {
  method: string;
  path: string;
}

interface Node {
  /** Few per node; compared in place, so a lookup makes no strings. */
  fixed: [segment: string, next: Node][];
  param: Node | undefined;
  /** The template of a `*` at this point: it takes the rest of the path, even nothing. */
  rest: string | undefined;
  /** The template that ends here. */
  label: string | undefined;
}

const UNMATCHED = "unmatched";
const node = (): Node => ({ fixed: [], param: undefined, rest: undefined, label: undefined });

/** Segments of a path without its trailing slash; `/` has none. */
const segmentsOf = (path: string): string[] => path.split("/").filter((s, i, all) => i > 0 && (s !== "" || i < all.length - 1));

function add(root: Node, template: string): void {
  let at = root;
  for (const segment of segmentsOf(template)) {
    if (segment === "*") {
      at.rest ??= template;
      return;
    }
    if (segment.startsWith(":")) at = at.param ??= node();
    else {
      let next = at.fixed.find(([name]) => name === segment)?.[1];
      if (!next) at.fixed.push([segment, (next = node())]);
      at = next;
    }
  }
  at.label ??= template;
}

/**
 * The best template under `at` for the segments of `url` from `start` (an index just past a `/`) up to
 * `stop`; past `stop` there are no more segments. Compared in place: a lookup makes no strings.
 */
function find(at: Node, url: string, start: number, stop: number): string | undefined {
  if (start > stop) return at.label ?? at.rest;
  let end = url.indexOf("/", start);
  if (end < 0 || end > stop) end = stop;
  for (const [name, fixed] of at.fixed) {
    if (name.length !== end - start || !url.startsWith(name, start)) continue;
    const viaFixed = find(fixed, url, end + 1, stop);
    if (viaFixed) return viaFixed;
  }
  const viaParam = end > start && at.param ? find(at.param, url, end + 1, stop) : undefined;
  return viaParam ?? at.rest;
}

/**
 * Where a URL's path segments lie: from just past the path's first `/` to the end of the path (before
 * `?` or `#`, and before a trailing slash, which does not count). `/` itself has no segments.
 */
function pathSpan(url: string): [start: number, stop: number] | undefined {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  if (slash < 0) return undefined;
  let stop = url.indexOf("?", slash);
  if (stop < 0) stop = url.length;
  const hash = url.indexOf("#", slash);
  if (hash >= 0 && hash < stop) stop = hash;
  if (stop - 1 > slash && url.charCodeAt(stop - 1) === 47) stop--;
  return [stop === slash + 1 ? stop + 1 : slash + 1, stop];
}

export class RouteLabels {
  private trees: Map<string, Node> | undefined;

  /** `routes` is read on first use, once every surface has added its routes. */
  constructor(private readonly routes: () => readonly RouteTemplate[]) {}

  /** The template of `url` for `method`, or `unmatched`. HEAD is served by GET routes. */
  of(method: string, url: string): string {
    const span = pathSpan(url);
    if (!span) return UNMATCHED;
    const [start, stop] = span;
    const trees = this.table();
    const own = trees.get(method) ?? (method === "HEAD" ? trees.get("GET") : undefined);
    const all = trees.get("ALL");
    return (own && find(own, url, start, stop)) ?? (all && find(all, url, start, stop)) ?? UNMATCHED;
  }

  /**
   * The methods with a route for `url`, sorted; HEAD with GET (Bun answers HEAD from the GET route).
   * None when a route for any method (`ALL`) serves it: every method is taken there.
   */
  methods(url: string): string[] {
    const span = pathSpan(url);
    if (!span) return [];
    const found: string[] = [];
    for (const [method, tree] of this.table()) {
      if (find(tree, url, span[0], span[1]) === undefined) continue;
      if (method === "ALL") return [];
      found.push(method);
    }
    if (found.includes("GET") && !found.includes("HEAD")) found.push("HEAD");
    return found.sort();
  }

  private table(): Map<string, Node> {
    if (this.trees) return this.trees;
    const trees = new Map<string, Node>();
    for (const { method, path } of this.routes()) {
      let root = trees.get(method);
      if (!root) trees.set(method, (root = node()));
      add(root, path);
    }
    return (this.trees = trees);
  }
}
