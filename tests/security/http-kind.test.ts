/**
 * The `http` kind's input is checked whole at submit (a 400 naming the field, no job made), and its
 * failures say what happened: a refusal by `--allow-outbound` ends the job at once (`HTTP_NOT_ALLOWED`,
 * one attempt, since no retry can change it); a name that does not resolve is `HTTP_UNRESOLVED`, never
 * blamed on the policy, and is retried like any transport error. Driven through the native API, in
 * process and against the binary.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { JobSpec, JobView } from "../../src/job-view.ts";
import { outboundPolicy, UnresolvedHostError } from "../../src/net/outbound.ts";
import { eachTarget, type Target } from "../helpers/target.ts";

const URL_OK = "http://127.0.0.1:1/x";
const fast = { backoff: { type: "fixed", delayMs: 10 } } as const;

async function submit(target: Target, spec: unknown): Promise<{ status: number; error?: { code: string; message: string } }> {
  const res = await target.fetch("/api/v1/jobs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  const body = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, error: body.error };
}

async function run(target: Target, spec: JobSpec): Promise<JobView> {
  const job = await target.createJob(spec);
  return target.waitFor(job.id);
}

describe("the outbound policy and names that do not resolve", () => {
  const resolve = async (host: string): Promise<string[]> => {
    if (host === "broken.example.com") throw new Error("SERVFAIL");
    return ({ "api.example.com": ["93.184.216.34"] } as Record<string, string[]>)[host] ?? [];
  };
  const check = (entries: string[], url: string) => outboundPolicy(entries, resolve)(new URL(url));

  test("a name that does not resolve rejects with UnresolvedHostError, not a refusal", async () => {
    for (const url of ["http://unresolvable.invalid/", "http://broken.example.com/"]) {
      const error = await check(["public"], url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnresolvedHostError);
      expect((error as Error).message).toBe(`host name did not resolve: ${new URL(url).hostname}`);
    }
    // Names the entries allow as such are not resolved by the policy, and IPs never are; entries that
    // are all names refuse any other name without resolving it.
    expect(await check(["unresolvable.invalid"], "http://unresolvable.invalid/")).toBe(true);
    expect(await check(["*.example.com"], "http://unresolvable.invalid/")).toBe(false);
    expect(await check(["public"], "http://10.0.0.1/")).toBe(false);
    expect(await check(["public"], "http://api.example.com/")).toBe(true);
  });
});

eachTarget("the http kind checks its whole input at submit", (target) => {
  test("a bad field is a 400 that names it, and no job is made", async () => {
    const before = ((await (await target().fetch("/api/v1/jobs?type=http")).json()) as { jobs: JobView[] }).jobs.length;
    const cases: [unknown, string][] = [
      [[URL_OK], "input: http input must be an object with a url"],
      [{ headers: {} }, "input: url must be a string"],
      [{ url: "ftp://example.com/" }, "input: url must be http or https"],
      [{ url: URL_OK, method: "GE T" }, "input: method must be 1-16 letters"],
      [{ url: URL_OK, headers: "x" }, "input: headers must be an object of header names to strings"],
      [{ url: URL_OK, headers: null }, "input: headers must be an object of header names to strings"],
      [{ url: URL_OK, headers: [["a", "b"]] }, "input: headers must be an object of header names to strings"],
      [{ url: URL_OK, headers: { "bad name": "x" } }, 'input: headers: "bad name" is not a valid header name'],
      [{ url: URL_OK, headers: { "x-count": 1 } }, "input: headers.x-count must be a string"],
      [{ url: URL_OK, headers: { "x-a": "a\r\nx-injected: 1" } }, "input: headers.x-a must not hold NUL, CR, LF"],
      [{ url: URL_OK, headers: { "x-a": "€" } }, "input: headers.x-a must not hold NUL, CR, LF"],
      [{ url: URL_OK, timeoutMs: -1 }, "input: timeoutMs must be 1..86400000 ms"],
      [{ url: URL_OK, timeoutMs: 0 }, "input: timeoutMs must be 1..86400000 ms"],
      [{ url: URL_OK, timeoutMs: 1.5 }, "input: timeoutMs must be 1..86400000 ms"],
      [{ url: URL_OK, timeoutMs: "100" }, "input: timeoutMs must be 1..86400000 ms"],
      [{ url: URL_OK, timeoutMs: 86_400_001 }, "input: timeoutMs must be 1..86400000 ms"],
      [{ url: URL_OK, body: "x" }, "input: body is not allowed with GET"],
      [{ url: URL_OK, method: "head", body: { a: 1 } }, "input: body is not allowed with HEAD"],
    ];
    for (const [input, message] of cases) {
      const { status, error } = await submit(target(), { type: "http", input });
      expect({ input, status, code: error?.code }).toEqual({ input, status: 400, code: "BAD_REQUEST" });
      expect(error?.message).toStartWith(message);
    }
    // The same check holds for a job shown under another type and for a sub-job.
    expect((await submit(target(), { type: "fetch_page", kind: "http", input: { url: URL_OK, timeoutMs: -1 } })).error?.message).toBe(
      "input: timeoutMs must be 1..86400000 ms",
    );
    expect(
      (await submit(target(), { type: "script", children: [{ type: "http", input: { url: URL_OK, headers: "x" } }] })).error?.message,
    ).toBe("children[0].input: headers must be an object of header names to strings");
    const after = ((await (await target().fetch("/api/v1/jobs?type=http")).json()) as { jobs: JobView[] }).jobs.length;
    expect(after).toBe(before);
  });

  test("a whole, valid request is still accepted", async () => {
    for (const input of [
      { url: URL_OK },
      { url: URL_OK, method: "post", headers: { "x-a": "1", Accept: "application/json" }, body: { a: 1 }, timeoutMs: 5000 },
      { url: URL_OK, headers: {}, body: null },
      { url: URL_OK, method: "PUT", body: "text", timeoutMs: 86_400_000 },
    ]) {
      expect({ input, status: (await submit(target(), { type: "http", input, maxAttempts: 1 })).status }).toEqual({ input, status: 201 });
    }
  });
});

const local = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("local") });
afterAll(() => local.stop(true));

eachTarget(
  "the http kind under the default policy (public)",
  (target) => {
    test("a refusal by --allow-outbound fails at once: HTTP_NOT_ALLOWED, one attempt", async () => {
      const job = await run(target(), { type: "http", input: { url: `http://127.0.0.1:${local.port}/` }, ...fast });
      expect(job.maxAttempts).toBe(3);
      expect({ state: job.state, attempts: job.attempts, error: job.error }).toEqual({
        state: "failed",
        attempts: 1,
        error: { code: "HTTP_NOT_ALLOWED", message: `address not allowed by --allow-outbound: 127.0.0.1:${local.port}` },
      });
    });

    test("a name that does not resolve is HTTP_UNRESOLVED, does not blame --allow-outbound, and is retried", async () => {
      const job = await run(target(), { type: "http", input: { url: "http://no-such-host.invalid/" }, maxAttempts: 2, ...fast });
      expect({ state: job.state, attempts: job.attempts, error: job.error }).toEqual({
        state: "failed",
        attempts: 2,
        error: { code: "HTTP_UNRESOLVED", message: "host name did not resolve: no-such-host.invalid" },
      });
    });
  },
  // The binary's default is --allow-outbound public; the engine in process allows anything unless told.
  { engine: { outbound: outboundPolicy(["public"]) } },
);

eachTarget(
  "the http kind with --allow-outbound *",
  (target) => {
    test("fetch's own 'not found' for a name is HTTP_UNRESOLVED too", async () => {
      const job = await run(target(), { type: "http", input: { url: "http://no-such-host.invalid/" }, maxAttempts: 1 });
      expect(job.error).toEqual({ code: "HTTP_UNRESOLVED", message: "host name did not resolve: no-such-host.invalid" });
    });

    test("other transport errors stay HTTP_ERROR and are retried", async () => {
      const job = await run(target(), { type: "http", input: { url: "http://127.0.0.1:1/" }, maxAttempts: 2, ...fast });
      expect({ state: job.state, attempts: job.attempts, code: job.error?.code }).toEqual({ state: "failed", attempts: 2, code: "HTTP_ERROR" });
    });
  },
  { args: ["--allow-outbound", "*"] },
);
