import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { JobdError } from "../errors.ts";
import { canSee, canWrite, LOCAL_ADMIN, requireDistinctTokens, type Principal } from "./principal.ts";

/** The credential forms a surface accepts, in the order it looks for them. */
export type CredentialForm = "bearer" | "basic" | "x-auth-token" | "sid" | "access-token";

/** A cookie value as sent; bad percent-encoding is kept as is (it then matches no session). */
const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
const digest = (token: string) => createHash("sha256").update(token).digest();
const SESSION_TTL_MS = 12 * 3_600_000;
/** Sessions are kept in memory; past this many, the oldest go first (a flood of logins cannot fill memory). */
export const MAX_SESSIONS = 10_000;

/**
 * Maps a request's native credentials to a principal. Tokens are compared by their SHA-256 digests in
 * constant time. With no principal configured, authentication is off and every caller is LOCAL_ADMIN
 * (jobd then refuses to listen anywhere but loopback).
 */
export class Authenticator {
  private readonly principals: { digest: Buffer; principal: Principal }[];
  private readonly sessions = new Map<string, { principal: Principal; expiresAt: number }>();

  /** Throws when two principals share a token or a name (see requireDistinctTokens). */
  constructor(principals: Principal[]) {
    requireDistinctTokens(principals);
    this.principals = principals.map((principal) => ({ digest: digest(principal.token), principal }));
  }

  get enabled(): boolean {
    return this.principals.length > 0;
  }

  byToken(token: string): Principal | undefined {
    const d = digest(token);
    let found: Principal | undefined;
    for (const entry of this.principals) if (timingSafeEqual(entry.digest, d)) found = entry.principal;
    return found;
  }

  /** A login with a token (CentriQS's auth route): its principal, LOCAL_ADMIN when auth is off. */
  login(token: string): Principal | undefined {
    return this.enabled ? this.byToken(token) : LOCAL_ADMIN;
  }

  /** The caller, or a JobdError UNAUTHORIZED for missing or wrong credentials. */
  authenticate(request: Request, forms: CredentialForm[]): Principal {
    if (!this.enabled) return LOCAL_ADMIN;
    const presented = this.credentials(request, forms);
    if (presented.length === 0) throw new JobdError("UNAUTHORIZED", "credentials are required");
    for (const credential of presented) {
      const principal = credential.session ? this.session(credential.value) : this.byToken(credential.value);
      if (principal) return principal;
    }
    throw new JobdError("UNAUTHORIZED", "the credentials are not valid");
  }

  /** Starts a session (CentriQS `sid`) for a principal. */
  openSession(principal: Principal, now = Date.now()): string {
    const sid = randomBytes(24).toString("base64url");
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    this.sessions.set(sid, { principal, expiresAt: now + SESSION_TTL_MS });
    return sid;
  }

  /** Throws the surface's "not found" when the principal may not see the namespace. */
  requireVisible(principal: Principal, namespace: string, notFound: () => Error): void {
    if (!canSee(principal, namespace)) throw notFound();
  }

  requireWrite(principal: Principal): void {
    if (!canWrite(principal)) throw new JobdError("FORBIDDEN", "this token may only read");
  }

  private session(sid: string): Principal | undefined {
    const entry = this.sessions.get(sid);
    if (!entry) return undefined;
    if (entry.expiresAt < Date.now()) {
      this.sessions.delete(sid);
      return undefined;
    }
    return entry.principal;
  }

  private credentials(request: Request, forms: CredentialForm[]): { value: string; session: boolean }[] {
    const out: { value: string; session: boolean }[] = [];
    const authorization = request.headers.get("authorization") ?? "";
    for (const form of forms) {
      if (form === "bearer") {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (m?.[1]) out.push({ value: m[1], session: false });
      } else if (form === "basic") {
        const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
        if (m?.[1]) {
          const decoded = Buffer.from(m[1], "base64").toString("utf8");
          const colon = decoded.indexOf(":");
          // `user:token` — the token is the password; the user part is informational.
          if (colon >= 0) out.push({ value: decoded.slice(colon + 1), session: false });
        }
      } else if (form === "x-auth-token") {
        const token = request.headers.get("x-auth-token");
        if (token) out.push({ value: token.trim(), session: false });
      } else if (form === "sid") {
        const cookie = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
        if (cookie) out.push({ value: safeDecode(cookie), session: true });
        const query = new URL(request.url).searchParams.get("sid");
        if (query) out.push({ value: query, session: true });
      } else if (form === "access-token") {
        const query = new URL(request.url).searchParams.get("access_token");
        if (query) out.push({ value: query, session: false });
      }
    }
    return out;
  }
}
