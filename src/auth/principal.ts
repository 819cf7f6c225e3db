/**
 * Who is calling. Principals come from a tokens file and/or one admin token; each may touch some
 * namespaces (or `*`) with a role: read (look only), write (create, cancel, answer), admin (everything).
 */
export type Role = "read" | "write" | "admin";

export interface Principal {
  name: string;
  token: string;
  namespaces: "*" | string[];
  role: Role;
}

/** When no principal is configured jobd serves loopback only, and every caller acts as this one. */
export const LOCAL_ADMIN: Principal = { name: "local", token: "", namespaces: "*", role: "admin" };

export function canSee(principal: Principal, namespace: string): boolean {
  return principal.namespaces === "*" || principal.namespaces.includes(namespace);
}

export function canWrite(principal: Principal): boolean {
  return principal.role === "write" || principal.role === "admin";
}

/** The namespaces a list may show: undefined means all. */
export function visibleNamespaces(principal: Principal): string[] | undefined {
  return principal.namespaces === "*" ? undefined : principal.namespaces;
}

const ROLES: Role[] = ["read", "write", "admin"];

/**
 * Throws when two principals hold the same token (it would act as whichever came last) or the same
 * name. The message names the principals, never the token (startup errors end up in logs).
 */
export function requireDistinctTokens(principals: readonly Principal[]): void {
  const seen = new Map<string, Principal>();
  const names = new Set<string>();
  for (const principal of principals) {
    // A name is an owner (ArangoDB entries are per user): two principals must not share one either.
    if (names.has(principal.name)) {
      const hint = principal.name === "admin" ? " (--token adds the principal admin; rename the file's entry)" : "";
      throw new Error(`two principals are named ${JSON.stringify(principal.name)}${hint}; each principal needs its own name`);
    }
    names.add(principal.name);
    const first = seen.get(principal.token);
    if (first) {
      // `--token` adds a principal named "admin": say so, since that name is in no file.
      const hint = first.name === "admin" || principal.name === "admin" ? ' (--token is the principal "admin")' : "";
      throw new Error(
        `principals ${JSON.stringify(first.name)} and ${JSON.stringify(principal.name)} have the same token${hint}; each principal needs its own`,
      );
    }
    seen.set(principal.token, principal);
  }
}

/** Parses the JSON of `--tokens FILE`; throws with a message naming the bad entry. */
export function parseTokens(text: string): Principal[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("tokens file is not valid JSON");
  }
  if (!Array.isArray(raw)) throw new Error("tokens file must hold a JSON array");
  const names = new Set<string>();
  const tokens = new Map<string, number>();
  return raw.map((entry, i) => {
    const e = entry as Partial<Record<keyof Principal, unknown>>;
    if (!e || typeof e !== "object") throw new Error(`tokens[${i}] must be an object`);
    if (typeof e.name !== "string" || e.name.length === 0) throw new Error(`tokens[${i}].name must be a non-empty string`);
    if (names.has(e.name)) throw new Error(`tokens[${i}].name ${JSON.stringify(e.name)} is used twice`);
    names.add(e.name);
    if (typeof e.token !== "string" || e.token.length < 16) throw new Error(`tokens[${i}].token must be at least 16 characters`);
    const twin = tokens.get(e.token);
    if (twin !== undefined) throw new Error(`tokens[${i}].token is the same as tokens[${twin}].token; each principal needs its own`);
    tokens.set(e.token, i);
    if (!ROLES.includes(e.role as Role)) throw new Error(`tokens[${i}].role must be read, write or admin`);
    const ns = e.namespaces;
    const namespaces =
      Array.isArray(ns) && ns.includes("*")
        ? "*"
        : Array.isArray(ns) && ns.length > 0 && ns.every((n) => typeof n === "string" && n.length > 0)
          ? (ns as string[])
          : null;
    if (namespaces === null) throw new Error(`tokens[${i}].namespaces must be ["*"] or a list of namespace names`);
    return { name: e.name, token: e.token, namespaces, role: e.role as Role };
  });
}
