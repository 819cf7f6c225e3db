/**
 * The native event stream's own rules: the token may come as `?access_token=` (EventSource cannot
 * send headers, and the UI relies on it), and a stream that could only ever be silent is refused.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/index.ts";
import { createApp } from "../../src/http/app.ts";
import { SqliteStore } from "../../src/store/index.ts";
import { eachTarget } from "../helpers/target.ts";
import { ADMIN_TOKEN, WRONG_TOKEN, securedTarget } from "../security/principals.ts";

eachTarget(
  "event stream",
  (target) => {
    test("?access_token= authenticates an EventSource; a wrong one is 401", async () => {
      const job = await target().createJob({ type: "script", input: { steps: [{ prompt: "Go?", buttons: ["go"] }] } });
      const controller = new AbortController();
      const res = await target().fetch(`/api/v1/events?job=${job.id}&access_token=${ADMIN_TOKEN}`, { signal: controller.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      await reader.read(); // ": connected"
      await target().fetch(`/api/v1/jobs/${job.id}/answer`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ button: 0 }),
      });
      let text = "";
      while (!text.includes('"to":"succeeded"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      expect(text).toContain('"event":"job.answer"');
      const wrong = await target().fetch(`/api/v1/events?access_token=${WRONG_TOKEN}`, { method: "HEAD" });
      expect(wrong.status).toBe(401);
      expect((await target().fetch("/api/v1/events", { method: "HEAD" })).status).toBe(401);
    });

    test("an unknown job is 404, and malformed filters are 400, in the native envelope", async () => {
      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const unknown = await target().fetch("/api/v1/events?job=01890000-0000-7000-8000-000000000000", { headers: auth });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: { code: "NOT_FOUND", message: "job not found" } });
      for (const query of ["children=maybe", "namespace=a%2Fb", "namespace="]) {
        const res = await target().fetch(`/api/v1/events?${query}`, { headers: auth });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
      }
    });
  },
  securedTarget(),
);

test("a closed stream leaves nothing on the process-wide shutdown signal (each one used to, ~3 KB a stream)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jobd-events-"));
  const store = new SqliteStore(join(dir, "jobd.db"));
  const engine = new Engine({ store });
  engine.boot();
  const { app, state } = createApp({ engine });
  const signal = state.sse.closing.signal;
  let listening = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => (listening++, add(...args))) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listening--, remove(...args))) as typeof remove;
  try {
    for (let i = 0; i < 20; i++) {
      const client = new AbortController();
      const res = await app.handle(new Request("http://localhost/api/v1/events", { signal: client.signal }));
      const reader = res.body!.getReader();
      await reader.read(); // ": connected"
      expect(listening).toBe(1);
      client.abort();
      await reader.cancel().catch(() => {});
      await Bun.sleep(1);
    }
    expect(state.sse.clients).toBe(0);
    expect(listening).toBe(0);
  } finally {
    await engine.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
