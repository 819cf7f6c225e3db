/** The client commands against a running binary: submit, ls, show, answer, cancel, logs. */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JobView, Transition } from "../../src/job-view.ts";
import { startBinary, type RunningBinary } from "../helpers/target.ts";
import { cli, script, serverApi } from "./run-cli.ts";

// Each test starts binaries and subprocesses; a loaded machine needs more than the 5 s default.
setDefaultTimeout(30_000);

let server: RunningBinary;
const run = (args: string[], options: Parameters<typeof cli>[1] = {}) => cli(args, { url: server.url, ...options });
const { api, waitFor } = serverApi(() => server.url);
const submitJson = async (args: string[]): Promise<JobView> => {
  const r = await run(["submit", ...args, "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JobView;
};
const asking = () => submitJson(["script", "--input", JSON.stringify(script([{ prompt: "Overwrite?", buttons: ["Yes", "Yes to All", "No"] }]).input)]);

beforeAll(async () => {
  server = await startBinary();
});
afterAll(async () => {
  await server.stop();
  rmSync(server.dir, { recursive: true, force: true });
});

describe("jobd submit", () => {
  test("prints the new job's id, and the job is there as given", async () => {
    const r = await run(["submit", "script", "--description", "hello", "--namespace", "cli-a", "--input", '{"steps":[{"progress":50}]}']);
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const job = await api<JobView>(`/api/v1/jobs/${id}`);
    expect(job).toMatchObject({ id, type: "script", description: "hello", namespace: "cli-a", input: { steps: [{ progress: 50 }] } });
  });

  test("--input @file and @- (stdin)", async () => {
    const file = join(server.dir, "input.json");
    writeFileSync(file, JSON.stringify({ steps: [{ succeed: "from a file" }] }));
    const a = await submitJson(["script", "--input", `@${file}`]);
    expect(a.input).toEqual({ steps: [{ succeed: "from a file" }] });
    const r = await run(["submit", "script", "--input", "@-", "--json"], { stdin: '{"steps":[{"succeed":"from stdin"}]}' });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JobView).input).toEqual({ steps: [{ succeed: "from stdin" }] });
  });

  test("--wait exits 0 with the result when the job succeeds", async () => {
    const r = await run(["submit", "script", "--wait", "--input", '{"steps":[{"sleep":100},{"succeed":{"n":42}}]}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("succeeded");
    expect(r.stdout).toContain('{"n":42}');
  });

  test("--wait exits 1 when the job fails, and says why", async () => {
    const r = await run(["submit", "script", "--wait", "--input", '{"steps":[{"fail":{"code":"DISK_FULL","message":"no room"}}]}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("failed");
    expect(r.stdout).toContain("DISK_FULL: no room");
  });

  test("--wait --json prints the finished job", async () => {
    const r = await run(["submit", "script", "--wait", "--json", "--input", '{"steps":[{"succeed":"ok"}]}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: "succeeded", result: "ok" });
  });

  test("--spec submits a whole tree; TYPE and flags override it", async () => {
    const spec = { type: "ignored", description: "tree", children: [script([{ succeed: 1 }]), script([{ succeed: 2 }])] };
    const job = await submitJson(["script", "--spec", JSON.stringify(spec), "--description", "parent"]);
    expect(job.type).toBe("script");
    expect(job.description).toBe("parent");
    expect(job.children).toHaveLength(2);
  });

  test("the same --idempotency-key gives the same job", async () => {
    const a = await submitJson(["script", "--idempotency-key", "cli-key-1"]);
    const b = await submitJson(["script", "--idempotency-key", "cli-key-1"]);
    expect(b.id).toBe(a.id);
  });

  test("usage errors exit 2 and create nothing", async () => {
    const before = (await api<{ jobs: JobView[] }>("/api/v1/jobs?namespace=cli-usage")).jobs.length;
    for (const args of [
      ["submit"],
      ["submit", "script", "--input", "{not json"],
      ["submit", "script", "--input", "@/no/such/file.json"],
      ["submit", "script", "--priority", "high"],
      ["submit", "script", "--bogus-flag"],
      ["submit", "script", "--wait", "--watch"],
    ]) {
      const r = await run([...args, "--namespace", "cli-usage"]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("jobd submit:");
      expect(r.stdout).toBe("");
    }
    expect((await api<{ jobs: JobView[] }>("/api/v1/jobs?namespace=cli-usage")).jobs.length).toBe(before);
  });

  test("a spec the server refuses exits 2 with the server's reason", async () => {
    const r = await run(["submit", "script", "--namespace", "bad namespace!"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("namespace");
  });
});

describe("jobd ls", () => {
  let ids: string[];
  beforeAll(async () => {
    ids = [];
    for (const d of ["one", "two", "three"]) ids.push((await submitJson(["script", "--namespace", "cli-ls", "--description", `ls ${d}`])).id);
    ids.push((await submitJson(["other-queue", "--namespace", "cli-ls", "--description", "ls queued"])).id);
    for (const id of ids.slice(0, 3)) await waitFor(id, (j) => j.state === "succeeded");
  });

  test("a table of jobs, newest first", async () => {
    const r = await run(["ls", "--namespace", "cli-ls"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+TYPE\s+STATE\s+PROGRESS\s+NAMESPACE\s+CREATED\s+DESCRIPTION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([...ids].reverse());
    expect(lines[1]).toContain("queued");
    expect(lines[1]).toContain("ls queued");
    expect(lines[2]).toContain("succeeded");
  });

  test("filters by state and type; -q prints ids only; --limit caps", async () => {
    const done = await run(["ls", "--namespace", "cli-ls", "--state", "succeeded", "-q"]);
    expect(done.stdout.trim().split("\n")).toEqual(ids.slice(0, 3).reverse());
    const queued = await run(["ls", "--namespace", "cli-ls", "--type", "other-queue", "-q"]);
    expect(queued.stdout.trim()).toBe(ids[3]!);
    const one = await run(["ls", "--namespace", "cli-ls", "--limit", "1", "-q"]);
    expect(one.stdout.trim()).toBe(ids[3]!);
    const none = await run(["ls", "--namespace", "cli-ls", "--state", "failed"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
  });

  test("--json prints an array of jobs", async () => {
    const r = await run(["ls", "--namespace", "cli-ls", "--json"]);
    const jobs = JSON.parse(r.stdout) as JobView[];
    expect(jobs.map((j) => j.id)).toEqual([...ids].reverse());
    expect(jobs[0]).toMatchObject({ type: "other-queue", state: "queued", namespace: "cli-ls" });
  });

  test("a --limit above the API's page size follows the cursor", async () => {
    // A tree holds at most 1000 jobs: 999 children, their parent, and one more job make 1001.
    const children = Array.from({ length: 999 }, (_, i) => ({ type: "pager-child", namespace: "cli-page", description: `child ${i}` }));
    const parent = await api<JobView>("/api/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "pager", namespace: "cli-page", children }),
    });
    expect(parent.children).toHaveLength(999);
    await submitJson(["pager", "--namespace", "cli-page"]);
    const r = await run(["ls", "--namespace", "cli-page", "--limit", "1001", "-q"]);
    const ids = r.stdout.trim().split("\n");
    expect(ids).toHaveLength(1001);
    expect(new Set(ids).size).toBe(1001);
    expect(ids).toContain(parent.id);
    expect((await run(["ls", "--namespace", "cli-page", "--limit", "1500", "--json"])).stdout).toContain(parent.id);
    expect(JSON.parse((await run(["ls", "--namespace", "cli-page", "--limit", "1500", "--json"])).stdout)).toHaveLength(1001);
  });

  test("bad filters exit 2", async () => {
    for (const args of [["--state", "done"], ["--limit", "0"], ["--limit", "many"], ["extra"]]) {
      const r = await run(["ls", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
    }
  });
});

describe("jobd show", () => {
  test("a job's fields, its prompt with numbered buttons, and how to answer", async () => {
    const job = await asking();
    await waitFor(job.id, (j) => j.state === "waiting");
    const r = await run(["show", job.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`id:\\s+${job.id}`));
    expect(r.stdout).toMatch(/state:\s+waiting/);
    expect(r.stdout).toContain("Overwrite?");
    expect(r.stdout).toContain("[1] Yes  [2] Yes to All  [3] No");
    expect(r.stdout).toContain(`jobd answer ${job.id} N`);
  });

  test("lists children with their states; --json is the API's view", async () => {
    const parent = await submitJson(["script", "--spec", JSON.stringify({ children: [script([{ succeed: 1 }], { description: "kid one" }), script([{ fail: { code: "X", message: "x" } }], { description: "kid two" })], failurePolicy: "ignore" })]);
    const done = await waitFor(parent.id, (j) => j.finishedAt !== null);
    const r = await run(["show", parent.id]);
    expect(r.stdout).toContain("children (2):");
    expect(r.stdout).toMatch(/succeeded\s+100%\s+kid one/);
    expect(r.stdout).toMatch(/failed\s+\d+%\s+kid two/);
    const j = await run(["show", parent.id, "--json"]);
    expect(JSON.parse(j.stdout)).toEqual(done);
  });

  test("an unknown id exits 3", async () => {
    const r = await run(["show", "00000000-0000-7000-8000-000000000000"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("not found");
  });
});

describe("jobd answer", () => {
  test("by number (1 = first button), as show prints them", async () => {
    const job = await asking();
    await waitFor(job.id, (j) => j.state === "waiting");
    const r = await run(["answer", job.id, "2"]);
    expect(r.code).toBe(0);
    const done = await waitFor(job.id, (j) => j.state === "succeeded");
    expect(done.result).toEqual({ answers: ["Yes to All"] });
  });

  test("by label, case-insensitive", async () => {
    const job = await asking();
    await waitFor(job.id, (j) => j.state === "waiting");
    expect((await run(["answer", job.id, "no"])).code).toBe(0);
    expect((await waitFor(job.id, (j) => j.state === "succeeded")).result).toEqual({ answers: ["No"] });
  });

  test("a button that is not there exits 2 and changes nothing", async () => {
    const job = await asking();
    await waitFor(job.id, (j) => j.state === "waiting");
    for (const button of ["4", "0", "Maybe"]) {
      const r = await run(["answer", job.id, button]);
      expect(r.code, button).toBe(2);
      expect(r.stderr.length).toBeGreaterThan(0);
    }
    // Counted from 1, as `show` prints them, never the API's 0-based range.
    const beyond = await run(["answer", job.id, "4"]);
    expect(beyond.stderr).toContain('no button "4"; the buttons are 1 "Yes", 2 "Yes to All", 3 "No"');
    const still = await api<JobView>(`/api/v1/jobs/${job.id}`);
    expect(still.state).toBe("waiting");
    expect(still.answers).toEqual([]);
  });

  test("when nothing is asked it exits 2; an unknown job exits 3", async () => {
    const job = await submitJson(["script", "--input", '{"steps":[{"succeed":1}]}']);
    await waitFor(job.id, (j) => j.state === "succeeded");
    const r = await run(["answer", job.id, "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not asking/);
    expect((await run(["answer", "00000000-0000-7000-8000-000000000000", "1"])).code).toBe(3);
    expect((await run(["answer", job.id])).code).toBe(2);
  });
});

describe("jobd cancel", () => {
  test("a running job ends canceled; --wait prints how it ended", async () => {
    const job = await submitJson(["script", "--input", '{"steps":[{"progress":10},{"sleep":60000}]}']);
    await waitFor(job.id, (j) => j.state === "running");
    const r = await run(["cancel", job.id, "--wait"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${job.id} canceled`);
    expect((await api<JobView>(`/api/v1/jobs/${job.id}`)).state).toBe("canceled");
  });

  test("a queued job is canceled at once; --json prints the job", async () => {
    const job = await submitJson(["nobody-takes-this"]);
    const r = await run(["cancel", job.id, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: job.id, state: "canceled" });
  });

  test("an unknown job exits 3", async () => {
    expect((await run(["cancel", "00000000-0000-7000-8000-000000000000"])).code).toBe(3);
  });
});

describe("jobd logs", () => {
  test("the transitions, oldest first, as a table and as JSON", async () => {
    const job = await asking();
    await waitFor(job.id, (j) => j.state === "waiting");
    await run(["answer", job.id, "1"]);
    await waitFor(job.id, (j) => j.state === "succeeded");
    const { transitions } = await api<{ transitions: Transition[] }>(`/api/v1/jobs/${job.id}/log`);
    const r = await run(["logs", job.id]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^#\s+TIME\s+EVENT\s+STATE\s+PAYLOAD$/);
    expect(lines).toHaveLength(transitions.length + 1);
    expect(lines[1]).toContain("job.create");
    expect(lines[1]).toContain("→ queued");
    expect(lines[lines.length - 1]).toContain(`→ ${transitions[transitions.length - 1]!.to}`);
    const j = await run(["logs", job.id, "--json"]);
    expect(JSON.parse(j.stdout)).toEqual(transitions);
  });

  test("an unknown job exits 3", async () => {
    expect((await run(["logs", "00000000-0000-7000-8000-000000000000"])).code).toBe(3);
  });
});

describe("connection, help and output", () => {
  test("an unreachable server exits 3 with the address it tried", async () => {
    const r = await cli(["ls"], { url: "http://127.0.0.1:1" });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("cannot reach jobd at http://127.0.0.1:1");
  });

  test("--url beats JOBD_URL; a bad --url exits 2", async () => {
    const r = await cli(["ls", "--url", server.url, "-q", "--namespace", "cli-ls"], { url: "http://127.0.0.1:1" });
    expect(r.code).toBe(0);
    expect((await cli(["ls", "--url", "ftp://x"])).code).toBe(2);
    expect((await cli(["ls", "--url", "not a url"])).code).toBe(2);
  });

  test("--token and JOBD_TOKEN go out as Authorization: Bearer", async () => {
    const seen: (string | null)[] = [];
    const fake = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        seen.push(req.headers.get("authorization"));
        return Response.json({ jobs: [], nextCursor: null });
      },
    });
    try {
      const url = `http://127.0.0.1:${fake.port}`;
      expect((await cli(["ls", "--token", "s3cret"], { url })).code).toBe(0);
      expect((await cli(["ls"], { url, env: { JOBD_TOKEN: "from-env" } })).code).toBe(0);
      expect((await cli(["ls"], { url })).code).toBe(0);
      expect(seen).toEqual(["Bearer s3cret", "Bearer from-env", null]);
    } finally {
      fake.stop(true);
    }
  });

  test("whoami prints the token's principal; without tokens, local", async () => {
    expect((await run(["whoami"])).stdout.trim()).toBe("local (admin), namespaces: *");
    const tokens = join(server.dir, "whoami-tokens.json");
    writeFileSync(tokens, JSON.stringify([{ name: "viewer", token: "cli-viewer-token-0123456", namespaces: ["a", "b"], role: "read" }]));
    const guarded = await startBinary({ args: ["--tokens", tokens] });
    try {
      const asViewer = await cli(["whoami", "--token", "cli-viewer-token-0123456"], { url: guarded.url });
      expect(asViewer.code).toBe(0);
      expect(asViewer.stdout.trim()).toBe("viewer (read), namespaces: a, b");
      const json = await cli(["whoami", "--json"], { url: guarded.url, env: { JOBD_TOKEN: "cli-viewer-token-0123456" } });
      expect(JSON.parse(json.stdout)).toEqual({ name: "viewer", role: "read", namespaces: ["a", "b"] });
      const wrong = await cli(["whoami", "--token", "not-a-token-at-all-x"], { url: guarded.url });
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toContain("not valid");
    } finally {
      await guarded.stop();
      rmSync(guarded.dir, { recursive: true, force: true });
    }
  });

  test("401 and 403 exit 3, a 500 exits 4, with the server's message", async () => {
    const fake = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const status = Number(new URL(req.url).searchParams.get("namespace"));
        return Response.json({ error: { code: "X", message: `status ${status}` } }, { status });
      },
    });
    try {
      const url = `http://127.0.0.1:${fake.port}`;
      for (const [status, code] of [[401, 3], [403, 3], [500, 4], [503, 4], [409, 2]] as const) {
        const r = await cli(["ls", "--namespace", String(status)], { url });
        expect(r.code, String(status)).toBe(code);
        expect(r.stderr).toContain(`status ${status}`);
      }
    } finally {
      fake.stop(true);
    }
  });

  test("colour only when asked on a pipe: FORCE_COLOR adds it, NO_COLOR wins", async () => {
    const args = ["ls", "--namespace", "cli-ls"];
    expect((await run(args)).stdout).not.toContain("\x1b[");
    expect((await run(args, { env: { FORCE_COLOR: "1" } })).stdout).toContain("\x1b[");
    expect((await run(args, { env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).stdout).not.toContain("\x1b[");
  });

  test("help, unknown commands and version", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["serve", "submit", "ls", "show", "watch", "answer", "cancel", "logs", "machines", "migrate", "backup", "completion", "version"]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${c}\\s`, "m"));
    }
    const sub = await cli(["submit", "--help"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("Usage: jobd submit TYPE");
    expect(sub.stdout).toContain("--input JSON|@file");
    expect((await cli(["help", "watch"])).stdout).toContain("Usage: jobd watch ID");
    expect((await cli(["serve", "--help"])).stdout).toContain("JOBD_PORT");
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command");
    expect((await cli([])).code).toBe(2);
    const v = await cli(["version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^jobd \S+ \(commit /);
    expect(JSON.parse((await cli(["version", "--json"])).stdout)).toHaveProperty("version");
  });
});
