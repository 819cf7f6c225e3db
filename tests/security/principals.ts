/**
 * The principals of the security tests, and how each surface spells their credentials. The admin
 * comes from `--token`, the rest from a `--tokens` file; the in-process target gets the same list.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Principal } from "../../src/auth/index.ts";
import type { TargetOptions } from "../helpers/target.ts";

export const ADMIN_TOKEN = "sec-admin-token-0123456789";
export const WRONG_TOKEN = "sec-wrong-token-0123456789";

export const FILE_PRINCIPALS: Principal[] = [
  { name: "reader-a", token: "sec-reader-a-token-0123456789", namespaces: ["nsa"], role: "read" },
  { name: "writer-a", token: "sec-writer-a-token-0123456789", namespaces: ["nsa"], role: "write" },
  { name: "writer-b", token: "sec-writer-b-token-0123456789", namespaces: ["nsb"], role: "write" },
];

export const token = (name: "reader-a" | "writer-a" | "writer-b"): string =>
  (FILE_PRINCIPALS.find((p) => p.name === name) as Principal).token;

/** The rows of the matrix: who calls. */
export type Caller = "none" | "wrong" | "read-only" | "other namespace" | "admin";
export const CALLERS: Caller[] = ["none", "wrong", "read-only", "other namespace", "admin"];

export function tokenOf(caller: Caller): string | null {
  switch (caller) {
    case "none":
      return null;
    case "wrong":
      return WRONG_TOKEN;
    case "read-only":
      return token("reader-a");
    case "other namespace":
      return token("writer-b");
    case "admin":
      return ADMIN_TOKEN;
  }
}

/** The credential forms, as headers. */
export const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });
export const basic = (t: string, user = "someone"): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${t}`).toString("base64")}`,
});
export const xAuthToken = (t: string): Record<string, string> => ({ "x-auth-token": t });

/** Target options: the tokens file and --token for the binary, the same principals in process. */
export function securedTarget(): TargetOptions {
  const dir = mkdtempSync(join(tmpdir(), "jobd-tokens-"));
  const file = join(dir, "tokens.json");
  writeFileSync(file, JSON.stringify(FILE_PRINCIPALS));
  return {
    args: ["--tokens", file, "--token", ADMIN_TOKEN],
    principals: [...FILE_PRINCIPALS, { name: "admin", token: ADMIN_TOKEN, namespaces: "*", role: "admin" }],
    authorization: `Bearer ${ADMIN_TOKEN}`,
  };
}
