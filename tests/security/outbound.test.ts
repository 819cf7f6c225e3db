/**
 * Where jobd may call on its own: the `http` kind and webhooks go only where `--allow-outbound`
 * allows (default `public`: no loopback, private, link-local or metadata addresses, however they are
 * spelled), and redirects are never followed. Unit checks of the policy, then the binary.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { JobView } from "../../src/job-view.ts";
import { outboundPolicy } from "../../src/net/outbound.ts";
import { startBinary } from "../helpers/target.ts";

const resolve = async (host: string): Promise<string[]> =>
  ({ "api.example.com": ["93.184.216.34"], "sneaky.example.com": ["93.184.216.34", "10.0.0.5"], localhost: ["127.0.0.1", "::1"] })[host] ?? [];
const allows = async (entries: string[], url: string) => outboundPolicy(entries, resolve)(new URL(url));

describe("--allow-outbound policy", () => {
  test("public (the default) refuses loopback, private, link-local and metadata addresses in any spelling", async () => {
    for (const url of [
      "http://127.0.0.1/",
      "http://127.1/",
      "http://2130706433/",
      "http://0x7f000001/",
      "http://localhost:8080/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://10.1.2.3/",
      "http://172.16.0.1/",
      "http://192.168.1.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://0.0.0.0/",
      "http://[fd00::1]/",
      "http://[fe80::1]/",
      "http://sneaky.example.com/",
    ]) {
      expect({ url, allowed: await allows(["public"], url) }).toEqual({ url, allowed: false });
    }
    expect(await allows(["public"], "https://api.example.com/x")).toBe(true);
    expect(await allows(["public"], "http://93.184.216.34/")).toBe(true);
  });

  test("only http and https, whatever the entries", async () => {
    for (const url of ["file:///etc/passwd", "ftp://93.184.216.34/", "gopher://93.184.216.34/"]) {
      expect(await allows(["public", "loopback"], url)).toBe(false);
    }
  });

  test("loopback, CIDRs, hosts and suffixes open exactly what they name", async () => {
    expect(await allows(["loopback"], "http://127.0.0.1:9/")).toBe(true);
    expect(await allows(["loopback"], "http://10.0.0.1/")).toBe(false);
    expect(await allows(["10.1.0.0/16"], "http://10.1.200.3/")).toBe(true);
    expect(await allows(["10.1.0.0/16"], "http://10.2.0.1/")).toBe(false);
    expect(await allows(["*.example.com"], "http://deep.api.example.com/")).toBe(true);
    expect(await allows(["*.example.com"], "http://example.com.evil.test/")).toBe(false);
    expect(await allows(["api.example.com"], "http://API.example.com/")).toBe(true);
    expect(await allows(["*"], "http://127.0.0.1/")).toBe(true);
  });
});

describe("the binary's http kind [binary]", () => {
  const local = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) => (new URL(req.url).pathname === "/hop" ? Response.redirect("http://127.0.0.1:9/", 302) : new Response("local")),
  });
  afterAll(() => local.stop(true));

  async function runHttpJob(args: string[], url: string): Promise<JobView> {
    const bin = await startBinary({ args });
    try {
      const res = await fetch(`${bin.url}/api/v1/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "http", input: { url }, maxAttempts: 1 }),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as JobView;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const job = (await (await fetch(`${bin.url}/api/v1/jobs/${id}`)).json()) as JobView;
        if (["succeeded", "failed", "canceled"].includes(job.state)) return job;
        if (Date.now() > deadline) throw new Error(`http job stuck in ${job.state}`);
        await Bun.sleep(20);
      }
    } finally {
      await bin.stop();
      rmSync(bin.dir, { recursive: true, force: true });
    }
  }

  test("by default a job cannot reach a loopback service", async () => {
    const job = await runHttpJob([], `http://127.0.0.1:${local.port}/`);
    expect(job.state).toBe("failed");
    expect(JSON.stringify(job.error)).toContain("allow-outbound");
  });

  test("--allow-outbound loopback lets it; a redirect comes back as the answer, not followed", async () => {
    const ok = await runHttpJob(["--allow-outbound", "loopback"], `http://127.0.0.1:${local.port}/`);
    expect(ok.state).toBe("succeeded");
    expect((ok.result as { body: unknown }).body).toBe("local");
    const hop = await runHttpJob(["--allow-outbound", "loopback"], `http://127.0.0.1:${local.port}/hop`);
    expect((hop.result as { status: number }).status).toBe(302);
  });
});
