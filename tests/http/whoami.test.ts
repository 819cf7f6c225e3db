/**
 * `GET /api/v1/whoami`: the caller's principal, without its token. Without tokens every caller is the
 * local admin; with tokens each token is its own principal, and no token (or a wrong one) is a 401.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Principal } from "../../src/auth/index.ts";
import { eachTarget } from "../helpers/target.ts";

eachTarget("whoami without tokens", (target) => {
  test("every caller is the local admin", async () => {
    const res = await target().fetch("/api/v1/whoami");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "local", role: "admin", namespaces: "*" });
  });
});

const PRINCIPALS: Principal[] = [
  { name: "root", token: "whoami-root-token-0123456", namespaces: "*", role: "admin" },
  { name: "writer", token: "whoami-writer-token-01234", namespaces: ["a", "b"], role: "write" },
  { name: "viewer", token: "whoami-viewer-token-01234", namespaces: ["a"], role: "read" },
];
const tokensFile = join(mkdtempSync(join(tmpdir(), "jobd-whoami-")), "tokens.json");
writeFileSync(tokensFile, JSON.stringify(PRINCIPALS.map((p) => ({ ...p, namespaces: p.namespaces === "*" ? ["*"] : p.namespaces }))));

eachTarget(
  "whoami with tokens",
  (target) => {
    test("each token is its own principal, and the token itself is never sent back", async () => {
      for (const { name, token, role, namespaces } of PRINCIPALS) {
        const res = await target().fetch("/api/v1/whoami", { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ name, role, namespaces });
        expect(text).not.toContain(token);
      }
    });

    test("no token, a wrong one, or another form is 401 in the native envelope", async () => {
      const cases: Record<string, string>[] = [
        {},
        { authorization: "Bearer not-a-token-at-all-x" },
        { authorization: `Basic ${btoa(`root:${PRINCIPALS[0]?.token}`)}` },
      ];
      for (const headers of cases) {
        const res = await target().fetch("/api/v1/whoami", { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe('Bearer realm="jobd"');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
      }
    });
  },
  { args: ["--tokens", tokensFile], principals: PRINCIPALS, authorization: `Bearer ${PRINCIPALS[0]?.token}` },
);
