/**
 * The binary at its edges: bodies past --max-body, requests no client library would send (raw bytes
 * on a socket: `..`, NUL, bad percent-encoding, huge paths and headers, broken framing), caps on list
 * sizes and long polls, and the refusal to listen beyond loopback without a token. After each abuse the
 * server still answers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { connect } from "node:net";
import { BINARY, startBinary, type RunningBinary } from "../helpers/target.ts";
import { ADMIN_TOKEN, bearer } from "./principals.ts";

let bin: RunningBinary;
const admin = bearer(ADMIN_TOKEN);

beforeAll(async () => {
  bin = await startBinary({ args: ["--token", ADMIN_TOKEN, "--max-body", "65536"] });
});

afterAll(async () => {
  await bin?.stop();
  if (bin) rmSync(bin.dir, { recursive: true, force: true });
});

/** Sends raw bytes and returns the status of the first answer (0 when the server just closed). */
function raw(bytes: string | Buffer): Promise<number> {
  const { hostname, port } = new URL(bin.url);
  return new Promise((resolve) => {
    let data = "";
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
    });
    const done = () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0));
    socket.on("close", done);
    socket.on("error", () => {});
  });
}

const alive = async () => expect((await fetch(`${bin.url}/healthz`)).status).toBe(200);

describe("limits and odd requests [binary]", () => {
  test("a body past --max-body is 413 on every surface; one just under it is read", async () => {
    const big = "x".repeat(70_000);
    for (const [method, path, headers] of [
      ["POST", "/api/v1/jobs", { ...admin, "content-type": "application/json" }],
      ["POST", "/api/databases/nsa/jobs/DuplicateEntities", admin],
      ["PUT", "/_api/version", { ...admin, "x-arango-async": "store" }],
      ["POST", "/api/v1/workers/lease", { ...admin, "content-type": "application/json" }],
      ["POST", "/jobs", admin],
    ] as const) {
      const res = await fetch(`${bin.url}${path}`, { method, headers, body: big });
      expect({ path, status: res.status }).toEqual({ path, status: 413 });
    }
    const under = await fetch(`${bin.url}/api/v1/jobs`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ type: "script", input: { steps: [], pad: "y".repeat(60_000) } }),
    });
    expect(under.status).toBe(201);
    await alive();
  });

  test("raw requests with odd paths, headers and framing get a 4xx (or a closed socket), never a 5xx", async () => {
    const requests = [
      "GET /jobs/../../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET /api/v1/jobs/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET /api/v1/jobs/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET /_api/job/%ff%fe HTTP/1.1\r\nHost: localhost\r\n\r\n",
      `GET /v1/${"p".repeat(20_000)}/jobs/${"a".repeat(32)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"h".repeat(100_000)}\r\n\r\n`,
      "GET /api/2.0/jobs/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic %%%\r\n\r\n",
      "GET /api/databases/nsa/jobs/x HTTP/1.1\r\nHost: localhost\r\nCookie: sid=%E0%A4%A\r\n\r\n",
      "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n\r\n",
      "POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n",
      "\x00\x01\x02 garbage\r\n\r\n",
      "GET /jobs HTTP/1.1\r\nHost: localhost\r\nBad Header Name: 1\r\n\r\n",
    ];
    for (const request of requests) {
      const status = await raw(request);
      expect({ request: request.slice(0, 60), ok: status === 0 || (status >= 400 && status < 500) }).toEqual({ request: request.slice(0, 60), ok: true });
    }
    // An HTTP version jobd does not speak is the one 5xx HTTP itself prescribes: 505.
    expect(await raw("GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n")).toBe(505);
    await alive();
  });

  test("list sizes and long polls are capped", async () => {
    expect((await fetch(`${bin.url}/api/v1/jobs?limit=1001`, { headers: admin })).status).toBe(400);
    const { id } = (await (
      await fetch(`${bin.url}/api/v1/jobs`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ type: "script", input: { steps: [{ sleep: 600_000 }] } }),
      })
    ).json()) as { id: string };
    expect((await fetch(`${bin.url}/api/v1/jobs/${id}/wait?timeout=3600000`, { headers: admin })).status).toBe(400);
    const lease = await fetch(`${bin.url}/api/v1/workers/lease`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ worker: "w", types: ["t"], waitMs: 3_600_000 }),
    });
    expect(lease.status).toBe(400);
    const cloudsigma = (await (await fetch(`${bin.url}/api/2.0/jobs/?limit=999999`, { headers: { authorization: `Basic ${btoa(`u:${ADMIN_TOKEN}`)}` } })).json()) as {
      meta: { limit: number };
    };
    expect(cloudsigma.meta.limit).toBe(1000);
    expect((await fetch(`${bin.url}/_admin/sleep?duration=86400`, { headers: admin })).status).toBe(400);
  });
});

describe("listening beyond loopback [binary]", () => {
  test("without a token jobd refuses to bind a non-loopback address, and says why", async () => {
    const proc = Bun.spawn([BINARY, "serve", "--host", "0.0.0.0", "--port", "0", "--db", ":memory:"], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain("refusing to listen on 0.0.0.0 without credentials");
  });

  test("a token shorter than 16 characters is refused", async () => {
    const proc = Bun.spawn([BINARY, "serve", "--token", "short", "--port", "0", "--db", ":memory:"], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain("at least 16 characters");
  });
});
