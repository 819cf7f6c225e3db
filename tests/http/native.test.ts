import { expect, test } from "bun:test";
import type { JobView } from "../../src/job-view.ts";
import { eachTarget } from "../helpers/target.ts";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

eachTarget("native API", (target) => {
  test("POST /api/v1/jobs → 201 with the job", async () => {
    const res = await target().fetch("/api/v1/jobs", json({ type: "script", description: "hello", input: { steps: [] } }));
    expect(res.status).toBe(201);
    const job = (await res.json()) as JobView;
    for (const key of ["id", "seq", "type", "description", "namespace", "state", "progress", "prompt", "result", "error", "resources", "parentId", "children", "attempts", "createdAt", "startedAt", "finishedAt"]) {
      expect(job).toHaveProperty(key);
    }
    expect(job.description).toBe("hello");
    expect(job.namespace).toBe("default");
  });

  test("GET /api/v1/jobs/:id, unknown → 404 with the error envelope", async () => {
    const job = await target().createJob({ type: "script", input: { steps: [{ sleep: 5000 }] } });
    const got = (await (await target().fetch(`/api/v1/jobs/${job.id}`)).json()) as JobView;
    expect(got.id).toBe(job.id);
    expect(got.state).toBe("running");
    const missing = await target().fetch("/api/v1/jobs/01890000-0000-7000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "NOT_FOUND", message: "job not found" } });
  });

  test("status reads answer their content type, to HEAD as to GET, first or not", async () => {
    // A job waiting for an external worker: its reads are kept answers (Blob bodies, json-memo.ts).
    const job = await target().createJob({ type: "test.external", input: { n: 1 } });
    const hex = job.id.replaceAll("-", "");
    const reads = [`/api/v1/jobs/${job.id}`, `/jobs/${job.id}?peek=true`, `/v1/${job.namespace}/jobs/${hex}`, `/api/2.0/jobs/${job.id}/`];
    for (const path of reads) {
      for (const method of ["HEAD", "GET", "HEAD", "GET"]) {
        const res = await target().fetch(path, { method });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 200`);
        expect(`${method} ${path} ${res.headers.get("content-type")}`).toMatch(/ application\/json/);
        await res.arrayBuffer();
      }
    }
  });

  test("a method a path does not take is 405 with the methods it takes in Allow; an unknown path is 404", async () => {
    const job = await target().createJob({ type: "test.external", input: {} });
    const cases: [string, string, string][] = [
      ["DELETE", `/api/v1/jobs/${job.id}`, "GET, HEAD"],
      ["PUT", `/api/v1/jobs/${job.id}`, "GET, HEAD"],
      ["GET", `/api/v1/jobs/${job.id}/cancel`, "POST"],
      ["PATCH", "/api/v1/jobs", "GET, HEAD, POST"],
      ["POST", "/healthz", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await target().fetch(path, { method });
      expect(`${method} ${path} ${res.status} ${res.headers.get("allow")}`).toBe(`${method} ${path} 405 ${allow}`);
      expect(await res.json()).toEqual({
        error: { code: "METHOD_NOT_ALLOWED", message: `${method} is not allowed here; allowed: ${allow}` },
      });
    }
    // Nothing changed: the job is still there, still queued.
    expect(((await (await target().fetch(`/api/v1/jobs/${job.id}`)).json()) as JobView).state).toBe("queued");
    for (const [method, path] of [["GET", "/api/v1/nothing"], ["DELETE", "/api/v1/jobs/x/y/z"], ["POST", "/no/such/path"]]) {
      const res = await target().fetch(path as string, { method });
      expect(`${method} ${path} ${res.status} ${res.headers.get("allow")}`).toBe(`${method} ${path} 404 null`);
      expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: "no such route" } });
    }
  });

  test("bad input → 400 with {error: {code, message}}, never a 500", async () => {
    const cases: RequestInit[] = [
      json({}),
      json({ type: "" }),
      json({ type: "script", extra: 1 }),
      json({ type: "script", maxAttempts: 0 }),
      json({ type: "script", failurePolicy: "sometimes" }),
      json({ type: "script", input: { steps: [{ progress: 101 }] } }),
      json({ type: "script", children: [{ type: "script", input: { steps: "x" } }] }),
      json({ type: "bad type with spaces" }),
      { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" },
      { method: "POST", headers: { "content-type": "application/json" }, body: "[]" },
    ];
    for (const init of cases) {
      const res = await target().fetch("/api/v1/jobs", init);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("BAD_REQUEST");
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    expect((await target().fetch("/api/v1/jobs?state=nope")).status).toBe(400);
    const limit = await target().fetch("/api/v1/jobs?limit=0");
    expect(limit.status).toBe(400);
    expect(await limit.json()).toEqual({ error: { code: "BAD_REQUEST", message: "limit must be an integer from 1 to 1000" } });
    // Elysia's integers are a union; the message still says what is expected, and where.
    const range = await target().fetch("/api/v1/jobs", json({ type: "script", maxAttempts: 0 }));
    expect(await range.json()).toEqual({ error: { code: "BAD_REQUEST", message: "body /maxAttempts: must be an integer from 1 to 100" } });
    for (const cursor of ["-4", "", "1e3", "0x10", " 5"]) expect((await target().fetch(`/api/v1/jobs?cursor=${cursor}`)).status).toBe(400);
    // Schema-only bounds: the compiled binary must validate exactly as the app in process does.
    expect((await target().fetch("/api/v1/jobs/01890000-0000-7000-8000-000000000000/wait?timeout=-5")).status).toBe(400);
    expect((await target().fetch("/api/v1/jobs/01890000-0000-7000-8000-000000000000/wait?timeout=600000")).status).toBe(400);
  });

  test("prompt and answer: 400 for a bad button or nothing asked, and nothing changes", async () => {
    const job = await target().createJob({ type: "script", input: { steps: [{ prompt: "Overwrite?", buttons: ["Yes", "No"] }] } });
    expect(job.state).toBe("waiting");
    expect(job.prompt).toEqual({ message: "Overwrite?", buttons: ["Yes", "No"] });
    const bad = await target().fetch(`/api/v1/jobs/${job.id}/answer`, json({ button: 7 }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_BUTTON");
    expect((await target().getJob(job.id))?.state).toBe("waiting");
    const ok = await target().fetch(`/api/v1/jobs/${job.id}/answer`, json({ button: 1 }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as JobView).result).toEqual({ answers: ["No"] });
    const again = await target().fetch(`/api/v1/jobs/${job.id}/answer`, json({ button: 0 }));
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("NOTHING_ASKED");
  });

  test("cancel is a request; ignore-cancel work still finishes", async () => {
    const honour = await target().createJob({ type: "script", input: { steps: [{ sleep: 60_000 }] } });
    const res = await target().fetch(`/api/v1/jobs/${honour.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as JobView).state).toBe("canceled");
    const ignore = await target().createJob({ type: "script", input: { steps: [{ sleep: 200 }, { succeed: "done" }], cancel: "ignore" } });
    const c = (await (await target().fetch(`/api/v1/jobs/${ignore.id}/cancel`, { method: "POST" })).json()) as JobView;
    expect(c.state).toBe("cancelling");
    expect((await target().waitFor(ignore.id)).state).toBe("succeeded");
  });

  test("children, log, wait and list with filters and cursor paging", async () => {
    const parent = await target().createJob({
      type: "script",
      namespace: "paging",
      input: { steps: [{ sleep: 50 }] },
      children: [{ type: "script", input: { steps: [{ sleep: 30 }] } }, { type: "script" }],
    });
    expect(parent.children).toHaveLength(2);
    const waited = (await (await target().fetch(`/api/v1/jobs/${parent.id}/wait?timeout=5000`)).json()) as JobView;
    expect(waited.state).toBe("succeeded");
    const kids = (await (await target().fetch(`/api/v1/jobs/${parent.id}/children`)).json()) as { jobs: JobView[] };
    expect(kids.jobs.map((k) => k.parentId)).toEqual([parent.id, parent.id]);
    const log = (await (await target().fetch(`/api/v1/jobs/${parent.id}/log`)).json()) as { transitions: { event: string }[] };
    expect(log.transitions.map((t) => t.event)).toContain("job.child.settled");

    const roots = (await (await target().fetch("/api/v1/jobs?namespace=paging&parent=none")).json()) as { jobs: JobView[] };
    expect(roots.jobs.map((j) => j.id)).toEqual([parent.id]);
    const page1 = (await (await target().fetch("/api/v1/jobs?namespace=paging&limit=2")).json()) as { jobs: JobView[]; nextCursor: string };
    expect(page1.jobs).toHaveLength(2);
    const page2 = (await (await target().fetch(`/api/v1/jobs?namespace=paging&limit=2&cursor=${page1.nextCursor}`)).json()) as { jobs: JobView[]; nextCursor: string | null };
    expect(page2.jobs).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    // A page that ends with the oldest job hands out no cursor to an empty page.
    const exact = (await (await target().fetch("/api/v1/jobs?namespace=paging&limit=3")).json()) as { jobs: JobView[]; nextCursor: string | null };
    expect(exact.jobs).toHaveLength(3);
    expect(exact.nextCursor).toBeNull();
    const seqs = [...page1.jobs, ...page2.jobs].map((j) => j.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const byState = (await (await target().fetch("/api/v1/jobs?namespace=paging&state=succeeded,failed")).json()) as { jobs: JobView[] };
    expect(byState.jobs).toHaveLength(3);
  });

  test("bodies: JSON at most 100 levels deep, whatever it is declared as; a form or multipart is 415", async () => {
    const post = (path: string, body: string, type?: string) =>
      target().fetch(path, { method: "POST", headers: type ? { "content-type": type } : {}, body });
    const nested = (n: number) => `{"type":"script","input":{"steps":[],"x":${"[".repeat(n)}${"]".repeat(n)}}}`;
    for (const [path, body] of [
      ["/api/v1/jobs", "[".repeat(30_000) + "]".repeat(30_000)],
      ["/api/v1/jobs", nested(30_000)],
      ["/api/v1/jobs", nested(99)],
      ["/api/v1/workers/lease", `{"types":["x"],"worker":${"[".repeat(5000)}${"]".repeat(5000)}}`],
    ] as const) {
      const res = await post(path, body, "application/json");
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: "BAD_REQUEST", message: "the body nests deeper than 100 levels" } });
    }
    // 98 levels inside a body two levels deep: the deepest that is taken, and it reads back.
    const deepest = await post("/api/v1/jobs", nested(98), "application/json");
    expect(deepest.status).toBe(201);
    const made = (await deepest.json()) as JobView;
    expect((await target().fetch(`/api/v1/jobs/${made.id}`)).status).toBe(200);
    for (const type of [undefined, "text/plain", "application/vnd.api+json; charset=utf-8"]) {
      expect((await post("/api/v1/jobs", '{"type":"script"}', type)).status).toBe(201);
    }
    for (const [body, type] of [["type=script", "application/x-www-form-urlencoded"], ["--b\r\n", "multipart/form-data; boundary=b"]]) {
      const res = await post("/api/v1/jobs", body as string, type);
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    const broken = await post("/api/v1/jobs", '{"type":', "application/json");
    expect(broken.status).toBe(400);
  });

  test("an answer that names its prompt is safe to retry: the second try is 409, not an answer to the next question", async () => {
    const job = await target().createJob({
      type: "script",
      input: { steps: [{ prompt: "Wipe disk A?", buttons: ["no", "yes"] }, { prompt: "Wipe disk B?", buttons: ["no", "yes"] }] },
    });
    const answer = (body: unknown) => target().fetch(`/api/v1/jobs/${job.id}/answer`, json(body));
    const first = await answer({ button: 1, prompt: 0 });
    expect(first.status).toBe(200);
    expect(((await first.json()) as JobView).prompt?.message).toBe("Wipe disk B?");
    const retry = await answer({ button: 1, prompt: 0 });
    expect(retry.status).toBe(409);
    expect(await retry.json()).toEqual({ error: { code: "CONFLICT", message: "prompt 0 was answered already (the job has 1 answers)" } });
    expect((await answer({ button: 0, prompt: 2 })).status).toBe(409);
    expect((await target().getJob(job.id))?.answers).toEqual([1]);
    const last = (await (await answer({ button: 0, prompt: 1 })).json()) as JobView;
    expect(last).toMatchObject({ state: "succeeded", answers: [1, 0] });
    // Once finished, a retry still says which prompt it was, rather than "nothing asked".
    expect((await answer({ button: 0, prompt: 1 })).status).toBe(409);
  });

  test("Idempotency-Key returns the same job", async () => {
    const a = await target().createJob({ type: "script" }, { "idempotency-key": "order-42" });
    const b = await target().createJob({ type: "script" }, { "idempotency-key": "order-42" });
    expect(b.id).toBe(a.id);
  });

  test("SSE streams the transitions of one job", async () => {
    const job = await target().createJob({ type: "script", input: { steps: [{ prompt: "Go?", buttons: ["go"] }] } });
    const controller = new AbortController();
    const res = await target().fetch(`/api/v1/events?job=${job.id}`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    await reader.read(); // the ": connected" comment
    await target().fetch(`/api/v1/jobs/${job.id}/answer`, json({ button: 0 }));
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes('"to":"succeeded"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    expect(text).toContain("event: transition");
    expect(text).toContain('"event":"job.answer"');
    expect(text).toContain('"to":"succeeded"');
  });

  test("the OpenAPI document's references all resolve (the recursive JobSpec included)", async () => {
    const doc = (await (await target().fetch("/swagger/json")).json()) as { components: { schemas: Record<string, unknown> } };
    const refs = [...new Set([...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string))];
    expect(refs).toContain("#/components/schemas/JobSpec");
    for (const ref of refs) {
      expect(ref).toStartWith("#/components/schemas/");
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)]).toBeObject();
    }
    expect(JSON.stringify(doc.components.schemas.JobSpec)).toContain('"children"');
  });

  test("/healthz, /readyz, /swagger and its assets are served locally", async () => {
    expect((await target().fetch("/healthz")).status).toBe(200);
    expect(await (await target().fetch("/readyz")).json()).toEqual({ status: "ready" });
    const page = await (await target().fetch("/swagger")).text();
    expect(page).toContain("/swagger/assets/scalar.js");
    expect(page).not.toContain("cdn.jsdelivr.net");
    const asset = await target().fetch("/swagger/assets/scalar.js");
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
    const spec = (await (await target().fetch("/swagger/json")).json()) as { paths: Record<string, unknown> };
    for (const path of ["/api/v1/jobs/", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/answer", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/{id}/log", "/api/v1/jobs/{id}/wait", "/api/v1/events"]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
  });
});
