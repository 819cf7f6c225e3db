/**
 * Tenancy beyond single statuses: CentriQS sessions, `owner` stamped by every creating surface,
 * lists that show only the token's namespaces, read-only tokens that never take a receipt, and a
 * queued ArangoDB request that runs with its owner's rights while its credentials stay hidden.
 */
import { beforeAll, expect, test } from "bun:test";
import type { JobView } from "../../src/job-view.ts";
import { eachTarget } from "../helpers/target.ts";
import { ADMIN_TOKEN, basic, bearer, securedTarget, token, xAuthToken } from "./principals.ts";

const SLEEP = { steps: [{ sleep: 600_000 }] };
const admin = bearer(ADMIN_TOKEN);

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

eachTarget(
  "tenancy",
  (target) => {
    let a: JobView;
    let b: JobView;

    beforeAll(async () => {
      a = await target().createJob({ type: "script", namespace: "nsa", input: SLEEP }, bearer(token("writer-a")));
      b = await target().createJob({ type: "script", namespace: "nsb", input: SLEEP }, bearer(token("writer-b")));
    });

    test("CentriQS: PUT …/auth opens a session, used as the sid cookie or ?sid=; a made-up sid is 401", async () => {
      const t = target();
      const login = await t.fetch("/api/databases/nsa/auth", {
        method: "PUT",
        body: JSON.stringify({ User: "reader", PasswordHash: token("reader-a") }),
      });
      expect(login.status).toBe(200);
      const { SessionId, User } = await json<{ SessionId: string; User: string }>(login);
      expect(User).toBe("reader-a");
      expect(login.headers.get("set-cookie") ?? "").toContain(`sid=${SessionId}`);
      const path = `/api/databases/nsa/jobs/${a.id}`;
      expect((await t.fetch(path, { headers: { cookie: `sid=${SessionId}` } })).status).toBe(200);
      expect((await t.fetch(`${path}?sid=${encodeURIComponent(SessionId)}`)).status).toBe(200);
      expect((await t.fetch(path, { headers: { cookie: "sid=not-a-session" } })).status).toBe(401);
      // The session carries the token's rights: read-only, nsa only.
      expect((await t.fetch(path, { method: "DELETE", headers: { cookie: `sid=${SessionId}` } })).status).toBe(403);
      expect((await t.fetch(`/api/databases/nsb/jobs/${b.id}`, { headers: { cookie: `sid=${SessionId}` } })).status).toBe(404);
      // Basic works on the login route too; wrong credentials are 401 with the challenge.
      expect((await t.fetch("/api/databases/nsa/auth", { method: "PUT", headers: basic(token("writer-a")) })).status).toBe(200);
      const wrong = await t.fetch("/api/databases/nsa/auth", { method: "PUT", body: '{"User":"x","PasswordHash":"nope"}' });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toStartWith("Basic");
    });

    test("every creating surface stamps owner = the principal", async () => {
      const t = target();
      expect(a.owner).toBe("writer-a");
      const started = await t.fetch("/api/databases/nsa/jobs/DatabaseDataRefresh", { method: "POST", body: "{}", headers: basic(token("writer-a")) });
      expect(started.status).toBe(200);
      const { JobId } = await json<{ JobId: string }>(started);
      expect((await t.getJob(JobId))?.owner).toBe("writer-a");
      const queued = await t.fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": "store", ...basic(token("writer-b")) } });
      expect(queued.status).toBe(202);
      const seq = Number(queued.headers.get("x-arango-async-id"));
      const { jobs } = await json<{ jobs: JobView[] }>(await t.fetch("/api/v1/jobs?type=arango.request&namespace=nsb", { headers: admin }));
      const entry = jobs.find((j) => j.seq === seq);
      expect(entry?.owner).toBe("writer-b");
      expect(entry?.namespace).toBe("nsb");
    });

    test("a sub-job is in its parent's namespace unless its spec names another the token may use", async () => {
      const t = target();
      const post = (body: unknown, who: Record<string, string>) =>
        t.fetch("/api/v1/jobs", { method: "POST", headers: { "content-type": "application/json", ...who }, body: JSON.stringify(body) });
      const tree = {
        type: "script",
        namespace: "nsa",
        input: SLEEP,
        children: [
          { type: "script", input: SLEEP, children: [{ type: "script", input: SLEEP }] },
          { type: "script", namespace: "nsb", input: SLEEP, children: [{ type: "script", input: SLEEP }] },
        ],
      };
      const made = await json<JobView>(await post(tree, admin));
      const [kept, moved] = made.children as [string, string];
      const view = async (id: string) => json<JobView>(await t.fetch(`/api/v1/jobs/${id}`, { headers: admin }));
      expect((await view(kept)).namespace).toBe("nsa");
      expect((await view((await view(kept)).children[0] as string)).namespace).toBe("nsa");
      expect((await view(moved)).namespace).toBe("nsb");
      expect((await view((await view(moved)).children[0] as string)).namespace).toBe("nsb");
      // A token for nsa only does not learn of the sub-job in nsb: not from the parent's children, not
      // from its children route, not from a list.
      const a = bearer(token("writer-a"));
      const asA = await json<JobView>(await t.fetch(`/api/v1/jobs/${made.id}`, { headers: a }));
      expect(asA.children).toEqual([kept]);
      const children = await json<{ jobs: JobView[] }>(await t.fetch(`/api/v1/jobs/${made.id}/children`, { headers: a }));
      expect(children.jobs.map((j) => j.id)).toEqual([kept]);
      const listed = await json<{ jobs: JobView[] }>(await t.fetch(`/api/v1/jobs?namespace=nsa&limit=1000`, { headers: a }));
      expect(listed.jobs.find((j) => j.id === made.id)?.children).toEqual([kept]);
      expect(JSON.stringify(listed)).not.toContain(moved);
      expect((await t.fetch(`/api/v1/jobs/${moved}`, { headers: a })).status).toBe(404);
      // writer-a may use nsa only: a sub-job in nsb, at any depth, refuses the whole tree.
      const before = (await json<{ jobs: unknown[] }>(await t.fetch("/api/v1/jobs?limit=1000", { headers: admin }))).jobs.length;
      const nested = { type: "script", namespace: "nsa", children: [{ type: "script", children: [{ type: "script", namespace: "nsb" }] }] };
      const refused = await post(nested, bearer(token("writer-a")));
      expect(refused.status).toBe(403);
      expect((await json<{ jobs: unknown[] }>(await t.fetch("/api/v1/jobs?limit=1000", { headers: admin }))).jobs.length).toBe(before);
      await t.fetch(`/api/v1/jobs/${made.id}/cancel`, { method: "POST", headers: admin });
    });

    test("lists show only the token's namespaces, on every listing surface", async () => {
      const t = target();
      const reader = token("reader-a");
      const crystite = await json<{ id: string }[]>(await t.fetch("/jobs", { headers: bearer(reader) }));
      expect(crystite.map((j) => j.id)).toContain(a.id);
      expect(crystite.map((j) => j.id)).not.toContain(b.id);
      const cloudsigma = await json<{ objects: { uuid: string }[] }>(await t.fetch("/api/2.0/jobs/?limit=0", { headers: basic(reader) }));
      expect(cloudsigma.objects.map((j) => j.uuid)).toContain(a.id);
      expect(cloudsigma.objects.map((j) => j.uuid)).not.toContain(b.id);
      const native = await json<{ jobs: JobView[] }>(await t.fetch("/api/v1/jobs?limit=1000", { headers: bearer(reader) }));
      expect(new Set(native.jobs.map((j) => j.namespace))).toEqual(new Set(["nsa"]));
      const asked = await json<{ jobs: JobView[] }>(await t.fetch("/api/v1/jobs?namespace=nsb", { headers: bearer(reader) }));
      expect(asked.jobs).toEqual([]);
      // IMS finds a job only under its own project, and only for a token that reaches it.
      const hex = b.id.replaceAll("-", "");
      expect((await t.fetch(`/v1/nsb/jobs/${hex}`, { headers: xAuthToken(reader) })).status).toBe(404);
      expect((await t.fetch(`/v1/nsb/jobs/${hex}`, { headers: xAuthToken(token("writer-b")) })).status).toBe(200);
    });

    test("Crystite: a read-only token reads a finished job without taking receipt; a writer takes it", async () => {
      const t = target();
      const done = await t.createJob({ type: "script", namespace: "nsa", input: { steps: [{ succeed: 1 }] } }, bearer(token("writer-a")));
      await t.waitFor(done.id);
      const read = (tok: string) => t.fetch(`/jobs/${done.id}`, { headers: bearer(tok) });
      expect((await read(token("reader-a"))).status).toBe(200);
      expect((await read(token("reader-a"))).status).toBe(200);
      expect((await read(token("writer-a"))).status).toBe(200);
      expect((await read(token("writer-a"))).status).toBe(404);
    });

    test("a queued ArangoDB request replays with its owner's rights; views never show its credentials", async () => {
      const t = target();
      const queue = async (as: string) => {
        const res = await t.fetch(`/api/v1/jobs/${b.id}`, { headers: { "x-arango-async": "store", ...bearer(as) } });
        expect(res.status).toBe(202);
        return res.headers.get("x-arango-async-id") as string;
      };
      const fetchResult = async (seq: string, as: string) => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const res = await t.fetch(`/_api/job/${seq}`, { method: "PUT", headers: bearer(as) });
          if (res.status !== 204) return res;
          if (Date.now() > deadline) throw new Error("the queued request did not finish");
          await Bun.sleep(20);
        }
      };
      // writer-a may queue, but the request it queued cannot see nsb's job when it runs.
      const byWriterA = await fetchResult(await queue(token("writer-a")), token("writer-a"));
      expect(byWriterA.status).toBe(404);
      const byAdmin = await fetchResult(await queue(ADMIN_TOKEN), ADMIN_TOKEN);
      expect(byAdmin.status).toBe(200);
      expect((await json<JobView>(byAdmin)).id).toBe(b.id);

      const queued = await t.fetch("/_api/version", { method: "PUT", headers: { "x-arango-async": "store", ...bearer(token("writer-b")) } });
      const seq = Number(queued.headers.get("x-arango-async-id"));
      const { jobs } = await json<{ jobs: JobView[] }>(await t.fetch("/api/v1/jobs?type=arango.request&namespace=nsb", { headers: admin }));
      const entry = jobs.find((j) => j.seq === seq);
      expect(entry).toBeDefined();
      const text = JSON.stringify(entry);
      expect(text).not.toContain(token("writer-b"));
      expect((entry?.input as { headers: [string, string][] }).headers).toContainEqual(["authorization", "[redacted]"]);
    });
  },
  securedTarget(),
);

