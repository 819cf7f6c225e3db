import { expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { outboundPolicy } from "../../src/net/outbound.ts";
import { inProcessTarget } from "../helpers/target.ts";

test("a webhook receiver on loopback sees signed, retried calls, recorded in the job's log", async () => {
  const calls: { signature: string; event: string; body: string }[] = [];
  const receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      calls.push({
        signature: req.headers.get("x-jobd-signature") ?? "",
        event: req.headers.get("x-jobd-event") ?? "",
        body: await req.text(),
      });
      return new Response(null, { status: calls.length === 1 ? 503 : 204 });
    },
  });
  const target = await inProcessTarget({ engine: { webhooks: { secret: "s3cret", baseDelayMs: 30 } } });
  try {
    const job = await target.createJob({
      type: "script",
      input: { steps: [{ succeed: { copied: 3 } }] },
      callbackUrl: `http://127.0.0.1:${receiver.port}/hooks`,
    });
    for (let i = 0; i < 200 && calls.length < 2; i++) await Bun.sleep(10);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(call.signature);
      expect(match).not.toBeNull();
      const expected = createHmac("sha256", "s3cret").update(`${match?.[1]}.${call.body}`).digest("hex");
      expect(match?.[2]).toBe(expected);
      expect(call.event).toBe("job.finished");
      const body = JSON.parse(call.body) as { job: { id: string; state: string; result: unknown } };
      expect(body.job).toMatchObject({ id: job.id, state: "succeeded", result: { copied: 3 } });
    }
    await Bun.sleep(10);
    const log = (await (await target.fetch(`/api/v1/jobs/${job.id}/log`)).json()) as { transitions: { event: string; payload: { status: number | null } }[] };
    const hooks = log.transitions.filter((t) => t.event.startsWith("webhook."));
    expect(hooks.map((t) => t.event)).toEqual(["webhook.retrying", "webhook.delivered"]);
    expect(hooks.map((t) => t.payload.status)).toEqual([503, 204]);
  } finally {
    await target.close();
    receiver.stop(true);
  }
});

test("transition webhooks report every step; a callback must be an http(s) URL", async () => {
  const events: string[] = [];
  const receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const body = JSON.parse(await req.text()) as { transition: { event: string } };
      events.push(body.transition.event);
      return new Response("ok");
    },
  });
  const target = await inProcessTarget({ engine: { webhooks: { secret: "k" } } });
  try {
    const bad = await target.fetch("/api/v1/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "script", callbackUrl: "file:///etc/passwd" }),
    });
    expect(bad.status).toBe(400);
    await target.createJob({
      type: "script",
      input: { steps: [{ progress: 50 }] },
      callbackUrl: `http://127.0.0.1:${receiver.port}/`,
      callbackEvents: "transitions",
    });
    for (let i = 0; i < 200 && events.length < 2; i++) await Bun.sleep(10);
    expect(events).toEqual(expect.arrayContaining(["job.start", "job.succeed"]));
  } finally {
    await target.close();
    receiver.stop(true);
  }
});

test("a delivery refused by --allow-outbound fails at once: trying again would be refused again", async () => {
  let called = 0;
  const receiver = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => (called++, new Response(null, { status: 204 })) });
  const target = await inProcessTarget({ engine: { outbound: outboundPolicy(["public"]), webhooks: { secret: "k", baseDelayMs: 20 } } });
  try {
    const job = await target.createJob({ type: "script", callbackUrl: `http://127.0.0.1:${receiver.port}/hooks` });
    type Log = { transitions: { event: string; payload: { attempt: number; error: string | null } }[] };
    const hooks = async () =>
      ((await (await target.fetch(`/api/v1/jobs/${job.id}/log`)).json()) as Log).transitions.filter((t) => t.event.startsWith("webhook."));
    for (let i = 0; i < 100 && (await hooks()).length === 0; i++) await Bun.sleep(10);
    await Bun.sleep(200); // ten retry delays: none comes
    const seen = await hooks();
    expect(seen.map((t) => t.event)).toEqual(["webhook.failed"]);
    expect(seen[0]?.payload).toMatchObject({ attempt: 1, error: `address not allowed by --allow-outbound: 127.0.0.1:${receiver.port}` });
    expect(called).toBe(0);
  } finally {
    await target.close();
    receiver.stop(true);
  }
});
