/**
 * `jobd machines ls|export`. The CLI is checked against the documented contract with a stand-in
 * server (GET /api/v1/machines, GET /api/v1/machines/:kind?format=json|mermaid|svg), and against the
 * real binary wherever that binary serves the machines API.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startBinary } from "../helpers/target.ts";
import { cli } from "./run-cli.ts";

setDefaultTimeout(30_000);

const requests: string[] = [];
const stand = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    const url = new URL(req.url);
    requests.push(`${url.pathname}${url.search}`);
    if (url.pathname === "/api/v1/machines") {
      return Response.json({ machines: [{ kind: "script", version: 1, description: "a scripted job" }, { kind: "http", version: 2, description: "calls a URL" }] });
    }
    const kind = /^\/api\/v1\/machines\/([^/]+)$/.exec(url.pathname)?.[1];
    if (kind !== "script") return Response.json({ error: { code: "NOT_FOUND", message: "machine not found" } }, { status: 404 });
    const format = url.searchParams.get("format");
    if (format === "mermaid") return new Response("stateDiagram-v2\n  [*] --> stepping\n", { headers: { "content-type": "text/plain" } });
    if (format === "svg") return new Response('<svg xmlns="http://www.w3.org/2000/svg"></svg>', { headers: { "content-type": "image/svg+xml" } });
    return Response.json({ id: "script", states: { stepping: {} } });
  },
});
const standUrl = `http://127.0.0.1:${stand.port}`;

const real = await startBinary();
/** The machines API comes with the debugging UI; until a binary serves it, the real-server checks skip. */
const realHasMachines = (await fetch(`${real.url}/api/v1/machines`)).status !== 404;

afterAll(async () => {
  stand.stop(true);
  await real.stop();
  rmSync(real.dir, { recursive: true, force: true });
});

describe("against the documented contract", () => {
  test("ls prints a table of kinds; -q the kinds only; --json the server's answer", async () => {
    const table = await cli(["machines", "ls"], { url: standUrl });
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^KIND\s+VERSION\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/^script\s+1\s+a scripted job$/);
    expect((await cli(["machines", "ls", "-q"], { url: standUrl })).stdout).toBe("script\nhttp\n");
    const json = await cli(["machines", "ls", "--json"], { url: standUrl });
    expect(JSON.parse(json.stdout)).toEqual({ machines: [{ kind: "script", version: 1, description: "a scripted job" }, { kind: "http", version: 2, description: "calls a URL" }] });
  });

  test("export asks for the format and prints the body as it came; -o writes a file", async () => {
    requests.length = 0;
    const mermaid = await cli(["machines", "export", "script", "--format", "mermaid"], { url: standUrl });
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toBe("stateDiagram-v2\n  [*] --> stepping\n");
    const json = await cli(["machines", "export", "script"], { url: standUrl });
    expect(JSON.parse(json.stdout)).toEqual({ id: "script", states: { stepping: {} } });
    const file = join(real.dir, "script.svg");
    const svg = await cli(["machines", "export", "script", "--format", "svg", "-o", file], { url: standUrl });
    expect(svg.code).toBe(0);
    expect(svg.stdout).toBe("");
    expect(readFileSync(file, "utf8")).toBe('<svg xmlns="http://www.w3.org/2000/svg"></svg>\n');
    expect(requests).toEqual(["/api/v1/machines/script?format=mermaid", "/api/v1/machines/script?format=json", "/api/v1/machines/script?format=svg"]);
  });

  test("an unknown kind exits 3; bad usage exits 2 without asking the server", async () => {
    const unknown = await cli(["machines", "export", "nope"], { url: standUrl });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("machine not found");
    requests.length = 0;
    for (const args of [["machines"], ["machines", "export"], ["machines", "export", "script", "--format", "png"], ["machines", "draw", "script"], ["machines", "ls", "extra"]]) {
      expect((await cli(args, { url: standUrl })).code, args.join(" ")).toBe(2);
    }
    expect(requests).toEqual([]);
  });
});

describe("against the binary", () => {
  test.skipIf(!realHasMachines)("ls lists the script kind; export passes each format through unchanged", async () => {
    const kinds = await cli(["machines", "ls", "-q"], { url: real.url });
    expect(kinds.code).toBe(0);
    expect(kinds.stdout.split("\n")).toContain("script");
    for (const format of ["json", "mermaid", "svg"]) {
      const r = await cli(["machines", "export", "script", "--format", format], { url: real.url });
      expect(r.code, format).toBe(0);
      const body = await (await fetch(`${real.url}/api/v1/machines/script?format=${format}`)).text();
      expect(r.stdout, format).toBe(body.endsWith("\n") ? body : `${body}\n`);
    }
    expect((await cli(["machines", "export", "no-such-kind"], { url: real.url })).code).toBe(3);
  });
});
