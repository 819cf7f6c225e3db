import type { Principal } from "../../auth/index.ts";
import { canSee, visibleNamespaces } from "../../auth/index.ts";
import type { Engine } from "../../engine/index.ts";
import { JobdError, notFound } from "../../errors.ts";
import type { JobSpec, JobView } from "../../job-view.ts";
import type { JobRecord } from "../../store/index.ts";

/** A job the principal may see, or the same 404 an unknown id gets (its existence stays hidden). */
export function visibleJob(engine: Engine, principal: Principal, id: string): JobView {
  return viewFor(engine, principal, visible(engine.get(id), principal));
}

/**
 * A view as this principal may see it. A sub-job may live in another namespace than its parent; a
 * token that cannot see that namespace does not learn the sub-job's id from its parent's `children`
 * either. The same view comes back when nothing is hidden (a token that sees every namespace, a job
 * without children), so a kept answer stays kept.
 */
export function viewFor(engine: Engine, principal: Principal, view: JobView): JobView {
  if (principal.namespaces === "*" || view.children.length === 0) return view;
  const shown = new Set(engine.children(view.id).filter((c) => canSee(principal, c.namespace)).map((c) => c.id));
  if (shown.size === view.children.length) return view;
  return { ...view, children: view.children.filter((id) => shown.has(id)) };
}

export function visibleRecord(engine: Engine, principal: Principal, id: string): JobRecord {
  return visible(engine.getRecord(id), principal);
}

/**
 * The same check for a command (cancel, answer), on the record the command itself will act on: the
 * live actor's when the job is awake, so an answer to a job kept awake reads nothing from SQLite.
 * A job's namespace never changes, so the check means the same as on the committed row.
 */
export function visibleForCommand(engine: Engine, principal: Principal, id: string): JobRecord {
  return visible(engine.latest(id), principal);
}

function visible<T extends { namespace: string }>(job: T | undefined, principal: Principal): T {
  if (!job || !canSee(principal, job.namespace)) throw notFound();
  return job;
}

/** The namespaces a list may cover: the asked one (when allowed) or every one the principal reaches. */
export function listScope(principal: Principal, asked: string | undefined): { namespace?: string; namespaces?: string[] } {
  const reach = visibleNamespaces(principal);
  if (asked !== undefined) return reach && !reach.includes(asked) ? { namespaces: [] } : { namespace: asked };
  return reach ? { namespaces: reach } : {};
}

export function requireNamespace(principal: Principal, namespace: string): void {
  if (!canSee(principal, namespace)) throw new JobdError("FORBIDDEN", `this token may not use namespace ${JSON.stringify(namespace)}`);
}

/**
 * The same for a whole job tree: a sub-job is in its parent's namespace unless its spec names
 * another, and every namespace the tree names must be one the token may use.
 */
export function requireTreeNamespaces(principal: Principal, spec: JobSpec, inherited: string): void {
  const namespace = spec.namespace ?? inherited;
  requireNamespace(principal, namespace);
  for (const child of spec.children ?? []) requireTreeNamespaces(principal, child, namespace);
}
