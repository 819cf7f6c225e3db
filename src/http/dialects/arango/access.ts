/**
 * Who may see which ArangoDB job. ArangoDB shows a job only to the user who queued it, or to a
 * superuser; another user's job looks unknown (404). jobd maps that onto its principals: the owner, or
 * an admin, within the namespaces the principal reaches. With auth off every caller is the local admin.
 */
import { canSee, canWrite, visibleNamespaces, type CredentialForm, type Principal } from "../../../auth/index.ts";
import type { SurfaceContext } from "../../context.ts";
import type { JobRecord } from "../../../store/index.ts";
import { ArangoError, ERRNO } from "./errors.ts";

/** ArangoDB's own credentials: Basic `user:password` (the password is the jobd token) or a bearer token. */
const FORMS: CredentialForm[] = ["basic", "bearer"];

/** arangod's 401: errno 11 and its JWT challenge (it sends no Basic one, so browsers show no login box). */
export const unauthorized = () =>
  new ArangoError(401, ERRNO.FORBIDDEN, "not authorized to execute this request", {
    "www-authenticate": 'Bearer token_type="JWT", realm="ArangoDB"',
  });
export const forbidden = () => new ArangoError(403, ERRNO.FORBIDDEN, "forbidden");

/** The caller, or ArangoDB's 401. */
export function caller(ctx: Pick<SurfaceContext, "auth">, request: Request): Principal {
  try {
    return ctx.auth.authenticate(request, FORMS);
  } catch {
    throw unauthorized();
  }
}

export function requireWrite(principal: Principal): void {
  if (!canWrite(principal)) throw forbidden();
}

export const isSuperuser = (principal: Principal): boolean => principal.role === "admin";

/** The job is the caller's, or the caller is an admin; and its namespace is within reach. */
export const sees = (principal: Principal, record: JobRecord): boolean =>
  canSee(principal, record.namespace) && (isSuperuser(principal) || record.owner === principal.name);

/** Where a principal's queued requests live: `default` when it reaches it, else its first namespace. */
export function namespaceFor(principal: Principal): string {
  const reach = visibleNamespaces(principal);
  return !reach || reach.includes("default") ? "default" : (reach[0] ?? "default");
}

/** The part of a list query the store can do itself. */
export const scopeOf = (principal: Principal): { namespaces?: string[] } => {
  const reach = visibleNamespaces(principal);
  return reach ? { namespaces: reach } : {};
};
