/**
 * `jobd serve` refuses a token given to two principals (in the tokens file, or as --token and in the
 * file): it would act as whichever entry came last. The refusal names the entries, never the token.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BINARY } from "../helpers/target.ts";

const SHARED = "shared-token-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "jobd-dup-tokens-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tokensFile = (name: string, entries: { name: string; token: string; role: string }[]): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(entries.map((e) => ({ ...e, namespaces: ["*"] }))));
  return file;
};

async function serve(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const proc = Bun.spawn([BINARY, "serve", "--port", "0", "--db", ":memory:", ...args], { stdout: "pipe", stderr: "pipe" });
  // A server that starts (the bug) is stopped before the test times out, so it fails on the exit code.
  const timer = setTimeout(() => proc.kill(), 3_000);
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe("a token shared by two principals [binary]", () => {
  test("two entries of --tokens with one token: exit 2, the entries named, the token not printed", async () => {
    const file = tokensFile("dup.json", [
      { name: "grafana", token: SHARED, role: "read" },
      { name: "ops", token: SHARED, role: "admin" },
    ]);
    const r = await serve(["--tokens", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("tokens[1].token is the same as tokens[0].token");
    expect(r.stderr + r.stdout).not.toContain(SHARED);
  });

  test("--token equal to an entry of --tokens: exit 2, both principals named, the token not printed", async () => {
    const file = tokensFile("one.json", [{ name: "grafana", token: SHARED, role: "read" }]);
    const db = join(dir, "never", "jobd.db");
    const r = await serve(["--tokens", file, "--token", SHARED, "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('principals "grafana" and "admin" have the same token');
    expect(r.stderr + r.stdout).not.toContain(SHARED);
    // Refused before the database is opened (or created).
    expect(existsSync(db)).toBe(false);
  });

  test("serve --help gives the tokens' minimum length and that they must differ", async () => {
    const r = await serve(["--help"]);
    expect(r.code).toBe(0);
    const line = (flag: string) => r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${flag} `)) ?? "";
    expect(line("--token")).toContain("at least 16 characters");
    expect(line("--tokens")).toContain("at least 16 characters");
    expect(line("--tokens")).toContain("tokens unique");
  });
});
