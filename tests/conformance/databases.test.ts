/**
 * Dialect 002, CentriQS Web API jobs: the conformance checks of shared/dialects/002-databases.md §6,
 * run in process and against the binary. Numbers in test names are the spec's check numbers.
 * Every dialect response goes through `call()`, which asserts check 17 (Cache-Control) and check 18
 * (PascalCase members) on it, so those two hold for every answer the suite sees.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/index.ts";
import { createApp } from "../../src/http/app.ts";
import { SqliteStore } from "../../src/store/index.ts";
import { eachTarget, type Target } from "../helpers/target.ts";
import { ADMIN_TOKEN, securedTarget } from "../security/principals.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JOB_STATE_KEYS = ["JobId", "Status", "Progress", "Request", "Exception"];
const BUTTONS = ["Yes", "Yes to All", "No"];
const FIVE_MINUTES = 5 * 60_000;

interface JobState {
  JobId: string;
  Status: number;
  Progress?: { Message: string; Percent: number };
  Request?: { Message: string; Buttons: string[]; DefaultButtonIndex?: number; Deadline?: string };
  Exception?: { Message: string; Code: string };
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Every member name, any depth, must be PascalCase (check 18). */
function expectPascalCase(value: unknown, path = "body"): void {
  if (Array.isArray(value)) value.forEach((v, i) => expectPascalCase(v, `${path}[${i}]`));
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      expect(`${path}.${key}`).toMatch(/\.[A-Z][A-Za-z]*$/);
      expectPascalCase(inner, `${path}.${key}`);
    }
  }
}

async function call(target: Target, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await target.fetch(path, { method, body, headers: { accept: "text/json", ...headers } });
  const text = await res.text();
  expect(res.headers.get("cache-control")).toBe("no-store");
  const json = text === "" ? undefined : (JSON.parse(text) as unknown);
  expectPascalCase(json);
  if (res.status >= 400) {
    expect(Object.keys(json as object)).toEqual(["Message"]);
    expect(typeof (json as { Message: unknown }).Message).toBe("string");
  }
  return { status: res.status, headers: res.headers, text, json };
}

const uuid = () => crypto.randomUUID();

eachTarget(
  "dialect 002 (CentriQS jobs)",
  (target) => {
    const db = uuid();
    const jobs = `/api/databases/${db}/jobs`;

    const start = async (name: string, body: unknown = {}): Promise<string> => {
      const r = await call(target(), "POST", `${jobs}/${name}`, JSON.stringify(body));
      expect(r.status).toBe(200);
      return (r.json as JobState).JobId;
    };
    const state = async (id: string, base = jobs): Promise<JobState> => {
      const r = await call(target(), "GET", `${base}/${id}`);
      expect(r.status).toBe(200);
      const job = r.json as JobState;
      for (const key of Object.keys(job)) expect(JOB_STATE_KEYS).toContain(key);
      expect(job.JobId).toBe(id);
      if (job.Request) expect(job.Status).toBe(2);
      return job;
    };
    const until = async (id: string, pred: (s: JobState) => boolean, timeoutMs = 10_000): Promise<JobState> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await state(id);
        if (pred(s)) return s;
        if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(s)}`);
        await Bun.sleep(20);
      }
    };
    const answer = (id: string, body: string) => call(target(), "PUT", `${jobs}/${id}`, body, { "content-type": "application/json" });
    const entities = (n: number) => ({ DuplicatedFields: ["name", "estimate"], EntityMetaName: "task", InitialIds: Array.from({ length: n }, uuid), Comment: "Duplicated task" });
    const jobsIn = async (namespace: string): Promise<number> => {
      const res = await target().fetch(`/api/v1/jobs?namespace=${namespace}&limit=1000`);
      return ((await res.json()) as { jobs: unknown[] }).jobs.length;
    };

    test("1. StartJob answers {JobId, Status: 0} for the seed's request (lower-case name)", async () => {
      const r = await call(target(), "POST", `${jobs}/duplicateentities`, JSON.stringify(entities(20)), { "accept-encoding": "deflate" });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/json; charset=utf-8");
      const body = r.json as JobState;
      expect(Object.keys(body).sort()).toEqual(["JobId", "Status"]);
      expect(body.JobId).toMatch(GUID);
      expect(body.Status).toBe(0);
      const native = await target().getJob(body.JobId);
      expect(native?.type).toBe("DuplicateEntities");
      expect(native?.namespace).toBe(db);
      await call(target(), "DELETE", `${jobs}/${body.JobId}`);
    });

    test("1. JSON is application/json unless the client asks for text/json", async () => {
      const res = await target().fetch(`${jobs}/${uuid()}`, { headers: { accept: "application/json" } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    });

    test("paths under the prefix that name nothing are 404 in CentriQS's envelope, the prefix itself too", async () => {
      for (const path of ["/api/databases", "/api/databases/", `/api/databases/${db}`, `/api/databases/${db}/nope/x`]) {
        expect((await call(target(), "GET", path)).status).toBe(404);
      }
    });

    test("2. an unknown job name is 404 and starts nothing", async () => {
      const before = await jobsIn(db);
      const r = await call(target(), "POST", `${jobs}/NoSuchJob`, "{}");
      expect(r.status).toBe(404);
      expect(await jobsIn(db)).toBe(before);
    });

    test("2. a bad body is 400 with {Message} and starts nothing", async () => {
      const before = await jobsIn(db);
      for (const body of ["[1,2]", "42", "not json", '{"InitialIds": "x"}', '{"InitialIds": ["not-a-guid"]}', '{"EntityMetaName": 5, "InitialIds": []}', "{}"]) {
        const r = await call(target(), "POST", `${jobs}/DuplicateEntities`, body);
        expect(r.status).toBe(400);
      }
      expect(await jobsIn(db)).toBe(before);
    });

    test("3, 4, 12. poll a progress job, then abort it: Closed, no body, work so far kept", async () => {
      const id = await start("DATABASEDATAREFRESH");
      const first = await state(id);
      expect([0, 1]).toContain(first.Status);
      const seen: number[] = [];
      const moving = await until(id, (s) => {
        if (s.Progress) {
          expect(typeof s.Progress.Message).toBe("string");
          expect(typeof s.Progress.Percent).toBe("number");
          expect(s.Progress.Percent).toBeGreaterThanOrEqual(0);
          expect(s.Progress.Percent).toBeLessThanOrEqual(100);
          seen.push(s.Progress.Percent);
        }
        return (s.Progress?.Percent ?? 0) >= 15;
      });
      expect(moving.Status).toBe(1);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));

      const del = await call(target(), "DELETE", `${jobs}/${id}`);
      expect(del.status).toBe(200);
      expect(del.text).toBe("");
      const closed = await until(id, (s) => s.Status === 3, 2_000);
      expect(closed.Exception).toBeUndefined();
      expect(closed.Progress?.Percent).toBeGreaterThanOrEqual(moving.Progress?.Percent ?? 0);
      expect(closed.Progress?.Percent).toBeLessThan(100);
      expect((await target().getJob(id))?.state).toBe("canceled");
      // Aborting a closed job changes nothing and is not an error.
      expect((await call(target(), "DELETE", `${jobs}/${id}`)).status).toBe(200);
      expect((await state(id)).Status).toBe(3);
    });

    test("5, 6, 8. a job that asks two questions in a row; bad answers change nothing", async () => {
      const id = await start("DuplicateEntities", entities(2));
      const asking = await until(id, (s) => s.Status === 2);
      expect(asking.Request?.Message).toBe("Can not duplicate the problem 'Task1'. Continue?");
      expect(asking.Request?.Buttons).toEqual(BUTTONS);

      for (const bad of ['{"ButtonIndex": 3}', '{"ButtonIndex": -1}', '{"Response": {"ButtonIndex": 99}}', '{"ButtonIndex": "1"}', '{"ButtonIndex": 1.5}', "{}", '{"Response": {}}', '{"ButtonIndex": 0, "Response": {"ButtonIndex": 1}}', "nope", ""]) {
        const r = await answer(id, bad);
        expect(r.status).toBe(400);
      }
      const still = await state(id);
      expect(still.Status).toBe(2);
      expect(still.Request?.Message).toBe(asking.Request?.Message);
      expect((await target().getJob(id))?.answers).toEqual([]);

      // The seed's own PUT body, trailing commas and all: "Yes to All".
      const r = await answer(id, '{\n  "Response": {\n    "ButtonIndex": 1\n  },\n}');
      expect(r.status).toBe(200);
      const after = r.json as JobState;
      expect([1, 3]).toContain(after.Status);
      expect("Request" in after).toBe(false);

      const second = await until(id, (s) => s.Status === 2);
      expect(second.Request?.Message).toBe("Can not duplicate the problem 'Task2'. Continue?");
      const r2 = await answer(id, '{"ButtonIndex": 0}');
      expect(r2.status).toBe(200);
      expect("Request" in (r2.json as JobState)).toBe(false);

      const done = await until(id, (s) => s.Status === 3);
      expect(done.Exception).toBeUndefined();
      expect(done.Progress?.Percent).toBe(100);
      expect((await target().getJob(id))?.result).toEqual({ answers: ["Yes to All", "Yes"] });
    });

    test("7. {ButtonIndex: 0} at the top level answers another prompting job", async () => {
      const id = await start("DuplicateEntities", entities(1));
      await until(id, (s) => s.Status === 2);
      const r = await answer(id, '{"ButtonIndex": 0}');
      expect(r.status).toBe(200);
      expect([1, 3]).toContain((r.json as JobState).Status);
      expect((await until(id, (s) => s.Status === 3)).Exception).toBeUndefined();
      expect((await target().getJob(id))?.answers).toEqual([0]);
    });

    test("9. answering a job that asks nothing is 400 and changes nothing", async () => {
      const running = await start("DatabaseDataRefresh");
      const before = await until(running, (s) => s.Status === 1);
      expect((await answer(running, '{"ButtonIndex": 0}')).status).toBe(400);
      expect((await state(running)).Status).toBe(before.Status);
      expect((await target().getJob(running))?.answers).toEqual([]);
      await call(target(), "DELETE", `${jobs}/${running}`);

      const closed = await until(running, (s) => s.Status === 3);
      expect((await answer(running, '{"ButtonIndex": 0}')).status).toBe(400);
      expect(await state(running)).toEqual(closed);
    });

    test("10. a plain job runs to Closed without an Exception", async () => {
      const id = await start("ExtractFromArchEntities", entities(2));
      const done = await until(id, (s) => s.Status === 3);
      expect(done.Exception).toBeUndefined();
      expect(done.Request).toBeUndefined();
      expect(done.Progress?.Percent).toBe(100);
    });

    test("11. a failing job is Closed with an Exception", async () => {
      const id = await start("PutToArchEntities", { InitialIds: [] });
      const done = await until(id, (s) => s.Status === 3);
      expect(done.Exception).toEqual({ Message: "InitialIds is empty: there is nothing to put to the archive", Code: "NOTHING_TO_DO" });
    });

    test("a job whose sub-job asks shows the question and takes the answer", async () => {
      const id = await start("TaskShifting", { EntityMetaName: "task", InitialIds: [uuid(), uuid()] });
      const asking = await until(id, (s) => s.Status === 2);
      expect(asking.Request).toMatchObject({ Message: "Can not shift the task 'Task1'. Continue?", Buttons: BUTTONS });

      // The sub-job is a job of its own in the same database, asking the same question.
      const children = (await target().getJob(id))?.children ?? [];
      expect(children).toHaveLength(2);
      const child = await state(children[0] ?? "");
      expect(child.Status).toBe(2);
      expect(child.Request).toEqual(asking.Request);

      expect((await answer(id, '{"ButtonIndex": 5}')).status).toBe(400);
      expect((await state(id)).Status).toBe(2);
      const r = await answer(id, '{"Response": {"ButtonIndex": 1}}');
      expect(r.status).toBe(200);
      expect("Request" in (r.json as JobState)).toBe(false);
      expect((await target().getJob(children[0] ?? ""))?.answers).toEqual([1]);
      expect((await target().getJob(id))?.answers).toEqual([]);
      const done = await until(id, (s) => s.Status === 3);
      expect(done.Exception).toBeUndefined();
    });

    test("12. aborting a job whose sub-job asks closes both", async () => {
      const id = await start("TaskShifting", { InitialIds: [uuid()] });
      await until(id, (s) => s.Status === 2);
      const child = (await target().getJob(id))?.children[0] ?? "";
      const del = await call(target(), "DELETE", `${jobs}/${id}`);
      expect(del.status).toBe(200);
      expect(del.text).toBe("");
      expect((await until(id, (s) => s.Status === 3, 2_000)).Request).toBeUndefined();
      expect((await state(child)).Status).toBe(3);
    });

    test("13, 14. unknown GUID is 404; an id that is not a GUID is 400", async () => {
      for (const method of ["GET", "PUT", "DELETE"]) {
        expect((await call(target(), method, `${jobs}/${uuid()}`, method === "PUT" ? '{"ButtonIndex":0}' : undefined)).status).toBe(404);
        expect((await call(target(), method, `${jobs}/not-a-guid`, method === "PUT" ? '{"ButtonIndex":0}' : undefined)).status).toBe(400);
      }
    });

    test("15. a job lives only under the dbid it was started in; every spelling of the GUIDs reaches it", async () => {
      const id = await start("DatabaseDataRefresh");
      const other = `/api/databases/${uuid()}/jobs/${id}`;
      expect((await call(target(), "GET", other)).status).toBe(404);
      expect((await call(target(), "PUT", other, '{"ButtonIndex":0}')).status).toBe(404);
      expect((await call(target(), "DELETE", other)).status).toBe(404);
      expect((await state(id)).Status).not.toBe(3);

      const upper = `/api/databases/{${db.toUpperCase()}}/jobs/${id.replaceAll("-", "").toUpperCase()}`;
      const r = await call(target(), "GET", upper);
      expect(r.status).toBe(200);
      expect((r.json as JobState).JobId).toBe(id);
      expect((await call(target(), "GET", `/api/databases/bad%20db/jobs/${id}`)).status).toBe(400);
      await call(target(), "DELETE", `${jobs}/${id}`);
    });

    // Check 16 needs tokens: it runs against a target started with them, at the end of this file.

    test("17. routes under /api/databases that do not exist answer in the dialect's envelope", async () => {
      expect((await call(target(), "GET", `/api/databases/${db}/nothing`)).status).toBe(404);
      expect((await call(target(), "PATCH", `${jobs}/${uuid()}`, "{}")).status).toBe(404);
      // Past --max-body (1 MiB by default) the binary's server refuses the body itself: 413, no envelope.
      if (target().name === "in-process") {
        expect((await call(target(), "POST", `${jobs}/DuplicateEntities`, "x".repeat(1_100_000))).status).toBe(400);
      } else {
        const res = await target().fetch(`${jobs}/DuplicateEntities`, { method: "POST", body: "x".repeat(1_100_000) });
        expect(res.status).toBe(413);
      }
    });

    test("a question times out to its default button (in process: the engine's clock is ours)", async () => {
      const { clock, engine } = target();
      if (!clock || !engine) return; // binary: its clock is the wall clock, and five minutes is too long to wait.
      const id = await start("DuplicateEntities", entities(1));
      const asking = await until(id, (s) => s.Status === 2);
      expect(asking.Request?.DefaultButtonIndex).toBe(2);
      expect(asking.Request?.Deadline).toBe(new Date(clock.now() + FIVE_MINUTES).toISOString());

      clock.advance(FIVE_MINUTES - 1);
      engine.tick();
      expect((await state(id)).Status).toBe(2);
      clock.advance(1);
      engine.tick();
      const done = await until(id, (s) => s.Status === 3);
      expect(done.Exception).toBeUndefined();
      expect((await target().getJob(id))?.result).toEqual({ answers: ["No"] });
    });
  },
  { manualClock: true },
);

describe("dialect 002: the job table is configurable (in process)", () => {
  let dir: string;
  let store: SqliteStore;
  let engine: Engine;
  let handle: (path: string, init?: RequestInit) => Promise<Response>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "jobd-databases-"));
    store = new SqliteStore(join(dir, "jobd.db"));
    engine = new Engine({ store });
    const { app } = createApp({
      engine,
      options: {
        databasesJobs: {
          Export: { kind: "exports" },
          Quick: { kind: "script", build: () => ({ input: { steps: [{ succeed: "ok" }] } }) },
        },
      },
    });
    engine.boot();
    handle = (path, init) => app.handle(new Request(`http://localhost${path}`, init));
  });
  afterAll(async () => {
    await engine.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a name mapped to an external queue starts a job workers lease; it stays PendingRun until one does", async () => {
    const db = uuid();
    const started = await handle(`/api/databases/${db}/jobs/EXPORT`, { method: "POST", body: '{"Format": "csv,}", "Columns": ["a", "b",],}' });
    expect(started.status).toBe(200);
    const { JobId } = (await started.json()) as JobState;
    const job = engine.get(JobId);
    expect(job?.type).toBe("exports");
    // Trailing commas are forgiven; the same characters inside a string are left alone.
    expect(job?.input).toEqual({ Format: "csv,}", Columns: ["a", "b"] });
    const res = await handle(`/api/databases/${db}/jobs/${JobId}`);
    expect(await res.json()).toEqual({ JobId, Status: 0 });
  });

  test("a name mapped to a built-in kind keeps the name as the job's type; names not in the table are 404", async () => {
    const db = uuid();
    const started = await handle(`/api/databases/${db}/jobs/quick`, { method: "POST" });
    const { JobId } = (await started.json()) as JobState;
    expect(engine.get(JobId)?.type).toBe("Quick");
    expect((await handle(`/api/databases/${db}/jobs/DuplicateEntities`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});

eachTarget(
  "dialect 002 (CentriQS jobs), with tokens",
  (target) => {
    test("16. no session or credentials → 401 with a Basic challenge; a session from PUT …/auth or Basic → 200", async () => {
      const db = crypto.randomUUID();
      const started = await target().fetch(`/api/databases/${db}/jobs/DatabaseDataRefresh`, { method: "POST", body: "{}" });
      expect(started.status).toBe(401);
      expect(started.headers.get("www-authenticate")).toStartWith("Basic");
      expect(await started.json()).toEqual({ Message: expect.any(String) });
      const login = await target().fetch(`/api/databases/${db}/auth`, { method: "PUT", body: JSON.stringify({ User: "me", PasswordHash: ADMIN_TOKEN }) });
      expect(login.status).toBe(200);
      const { SessionId } = (await login.json()) as { SessionId: string };
      const ok = await target().fetch(`/api/databases/${db}/jobs/DatabaseDataRefresh`, { method: "POST", body: "{}", headers: { cookie: `sid=${SessionId}` } });
      expect(ok.status).toBe(200);
      const { JobId } = (await ok.json()) as { JobId: string };
      expect((await target().fetch(`/api/databases/${db}/jobs/${JobId}`)).status).toBe(401);
      const basic = { authorization: `Basic ${btoa(`me:${ADMIN_TOKEN}`)}` };
      expect((await target().fetch(`/api/databases/${db}/jobs/${JobId}`, { headers: basic })).status).toBe(200);
    });
  },
  securedTarget(),
);
