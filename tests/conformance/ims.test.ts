/**
 * Dialect 003 (OTC IMS job query) conformance: section 6 of shared/dialects/003-ims.md against the app
 * in process and the compiled binary. IMS creates jobs through its image routes, which jobd does not
 * serve; jobs are created through the native API with namespace = project id and read here.
 */
import { expect, test } from "bun:test";
import type { JobSpec } from "../../src/job-view.ts";
import { call } from "../helpers/call.ts";
import { eachTarget, type Target } from "../helpers/target.ts";
import { ADMIN_TOKEN, securedTarget } from "../security/principals.ts";

const PROJECT = "ac234de25c6741d2b1273da49eea1b9e";
const OTHER_PROJECT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const KEYS = ["begin_time", "end_time", "entities", "error_code", "fail_reason", "job_id", "job_type", "status"];
const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface ImsJob {
  status: string;
  job_id: string;
  job_type: string;
  begin_time: string;
  end_time: string;
  error_code: string | null;
  fail_reason: string | null;
  entities: Record<string, unknown>;
}

const hex = (id: string) => id.replaceAll("-", "");
const imsJob = (jobType: string, steps: unknown[], extra: Partial<JobSpec> = {}): JobSpec => ({
  type: jobType,
  kind: "script",
  namespace: PROJECT,
  input: { steps },
  maxAttempts: 1,
  ...extra,
});

/** Every IMS job object, at any depth: all eight keys, the status enum, the id form, the times. */
function expectImsJob(body: unknown): ImsJob {
  expect(body).toBeObject();
  expect(Object.keys(body as object).sort()).toEqual(KEYS);
  const job = body as ImsJob;
  expect(["INIT", "RUNNING", "SUCCESS", "FAIL"]).toContain(job.status);
  expect(job.job_id).toMatch(HEX32);
  expect(typeof job.job_type).toBe("string");
  expect(job.begin_time).toMatch(ISO_MS);
  expect(job.entities).toBeObject();
  if (job.status === "SUCCESS" || job.status === "FAIL") {
    expect(job.end_time).toMatch(ISO_MS);
    expect(Date.parse(job.begin_time)).toBeLessThanOrEqual(Date.parse(job.end_time));
  } else {
    expect(job.end_time).toBe("");
  }
  if (job.status === "FAIL") {
    expect(typeof job.error_code).toBe("string");
    expect(typeof job.fail_reason).toBe("string");
  } else {
    expect(job.error_code).toBeNull();
    expect(job.fail_reason).toBeNull();
  }
  return job;
}


async function query(t: Target, jobId: string, project = PROJECT): Promise<ImsJob> {
  const res = await call(t, `/v1/${project}/jobs/${jobId}`);
  expect(res.status).toBe(200);
  expect(res.type.startsWith("application/json")).toBe(true);
  return expectImsJob(res.body);
}

async function expectImsError(t: Target, path: string, statuses: number[], init: RequestInit = {}): Promise<{ code: string; message: string }> {
  const res = await call(t, path, init);
  expect(statuses).toContain(res.status);
  expect(res.type.startsWith("application/json")).toBe(true);
  expect(res.body).toEqual({ error: { code: expect.stringMatching(/^IMG\.\d{4}$/), message: expect.any(String) } });
  return (res.body as { error: { code: string; message: string } }).error;
}

eachTarget("dialect 003 IMS", (target) => {
  test.skip("1. creating routes answer {job_id} — skipped: they are IMS image routes, which jobd does not serve", () => {});
  // Check 2 needs tokens: it runs against a target started with them, at the end of this file.

  test("3-4, 15. a job reads with all eight keys, a known status, its job_id echoed, JSON", async () => {
    const created = await target().createJob(imsJob("imsCreateImageByInstance", [{ sleep: 60_000 }]));
    const job = await query(target(), hex(created.id));
    expect(job.job_id).toBe(hex(created.id));
    expect(job.job_type).toBe("imsCreateImageByInstance");
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("the dashed UUID and upper case are read too; job_id is always 32 lowercase hex", async () => {
    const created = await target().createJob(imsJob("imsCopyImageInRegionJob", []));
    expect((await query(target(), created.id)).job_id).toBe(hex(created.id));
    expect((await query(target(), hex(created.id).toUpperCase())).job_id).toBe(hex(created.id));
  });

  test("5. early polls: INIT before it starts, RUNNING while it runs, no error fields", async () => {
    const later = await target().createJob(imsJob("imsImportImageJob", [], { runAt: Date.now() + 3_600_000 }));
    const init = await query(target(), hex(later.id));
    expect(init.status).toBe("INIT");
    expect(init.end_time).toBe("");
    const slow = await target().createJob(imsJob("imsImportImageJob", [{ sleep: 60_000 }]));
    await target().waitFor(slow.id, (j) => j.state === "running");
    const running = await query(target(), hex(slow.id));
    expect(running).toMatchObject({ status: "RUNNING", error_code: null, fail_reason: null, end_time: "" });
    // A job waiting on a prompt, or cancelling, is still RUNNING to IMS.
    const asking = await target().createJob(imsJob("imsImportImageJob", [{ prompt: "go?", buttons: ["yes"] }]));
    await target().waitFor(asking.id, (j) => j.state === "waiting");
    expect((await query(target(), hex(asking.id))).status).toBe("RUNNING");
    for (const job of [later, slow, asking]) await target().fetch(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
  });

  test("6-7, 14. success: SUCCESS, entities.image_id, end_time set; the same body every read", async () => {
    const imageId = crypto.randomUUID();
    const created = await target().createJob(
      imsJob("imsCreateImageByInstance", [{ progress: 50 }, { succeed: { image_id: imageId, image_name: "web-01" } }]),
    );
    await target().waitFor(created.id);
    const first = await query(target(), hex(created.id));
    expect(first.status).toBe("SUCCESS");
    expect(first.entities).toEqual({ image_id: imageId, image_name: "web-01" });
    expect(first.entities.image_id).toMatch(UUID);
    expect(first.end_time).not.toBe("");
    const again = await call(target(), `/v1/${PROJECT}/jobs/${hex(created.id)}`);
    expect(again.body).toEqual(first);
  });

  test("8. a forced failure: FAIL with error_code and fail_reason strings", async () => {
    const created = await target().createJob(
      imsJob("imsNativeImportImageJob", [{ fail: { code: "IMG.0057", message: "The image file does not exist." } }]),
    );
    await target().waitFor(created.id);
    const job = await query(target(), hex(created.id));
    expect(job).toMatchObject({ status: "FAIL", error_code: "IMG.0057", fail_reason: "The image file does not exist." });
    expect(job.entities).toEqual({});
  });

  test("a job queued again for a retry is RUNNING, not back to INIT", async () => {
    const created = await target().createJob(
      imsJob("imsImportImageJob", [{ fail: { code: "IMG.0014", message: "try again" } }], {
        maxAttempts: 2,
        backoff: { type: "fixed", delayMs: 3_600_000 },
      }),
    );
    await target().waitFor(created.id, (j) => j.state === "queued" && j.attempts === 1);
    expect((await query(target(), hex(created.id))).status).toBe("RUNNING");
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("a canceled job is FAIL: IMS has no cancel state", async () => {
    const created = await target().createJob(imsJob("imsImportImageJob", [{ sleep: 60_000 }]));
    await target().waitFor(created.id, (j) => j.state === "running");
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
    await target().waitFor(created.id);
    const job = await query(target(), hex(created.id));
    expect(job.status).toBe("FAIL");
    expect(job.error_code).toEqual(expect.any(String));
  });

  test("9. a member-sharing job: entities.results is an array of objects with a status", async () => {
    const results = [
      { image_id: crypto.randomUUID(), status: "success" },
      { image_id: crypto.randomUUID(), project_id: OTHER_PROJECT, status: "success" },
    ];
    const created = await target().createJob(imsJob("imsAddImageMembersJob", [{ succeed: { results } }]));
    await target().waitFor(created.id);
    const job = await query(target(), hex(created.id));
    expect(Array.isArray(job.entities.results)).toBe(true);
    for (const r of job.entities.results as { status: unknown }[]) expect(typeof r.status).toBe("string");
    expect(job.entities.results).toEqual(results);
  });

  test("a result that is not an object sits under entities.result", async () => {
    const created = await target().createJob(imsJob("imsDelImageMembersJob", [{ succeed: ["a", "b"] }]));
    await target().waitFor(created.id);
    expect((await query(target(), hex(created.id))).entities).toEqual({ result: ["a", "b"] });
  });

  test("10. sub-jobs: sub_jobs_list matches sub_jobs_result, each a full job object", async () => {
    const created = await target().createJob(
      imsJob("imsImportOvaImageJob", [{ succeed: { image_id: crypto.randomUUID() } }], {
        children: [
          imsJob("imsGoofysImportImageJob", [{ succeed: { image_id: crypto.randomUUID() } }]),
          imsJob("imsImportDataImageJob", [{ succeed: { image_id: crypto.randomUUID() } }]),
        ],
      }),
    );
    const done = await target().waitFor(created.id);
    const job = await query(target(), hex(created.id));
    expect(job.status).toBe("SUCCESS");
    const list = job.entities.sub_jobs_list as string[];
    const subs = (job.entities.sub_jobs_result as unknown[]).map(expectImsJob);
    expect(list.sort()).toEqual(done.children.map(hex).sort());
    for (const id of list) expect(subs.map((s) => s.job_id)).toContain(id);
    expect(subs.map((s) => s.job_type).sort()).toEqual(["imsGoofysImportImageJob", "imsImportDataImageJob"]);
    // Each sub-job is a job of its own, readable by its id.
    expect((await query(target(), list[0] ?? "")).status).toBe("SUCCESS");
  });

  test("a failed sub-job shows as FAIL inside a FAIL parent", async () => {
    const created = await target().createJob(
      imsJob("imsVolumesToSysDataImagesJob", [], {
        children: [imsJob("imsImportImageJob", [{ fail: { code: "IMG.0014", message: "volume copy failed" } }])],
      }),
    );
    await target().waitFor(created.id);
    const job = await query(target(), hex(created.id));
    expect(job.status).toBe("FAIL");
    const [sub] = (job.entities.sub_jobs_result as unknown[]).map(expectImsJob);
    expect(sub).toMatchObject({ status: "FAIL", error_code: "IMG.0014", fail_reason: "volume copy failed" });
  });

  test("11. an unknown 32-hex id is 404 IMG.0023; a malformed one is 400 in the same envelope", async () => {
    const unknown = hex(crypto.randomUUID());
    expect((await expectImsError(target(), `/v1/${PROJECT}/jobs/${unknown}`, [404])).code).toBe("IMG.0023");
    for (const bad of ["not-a-job", "ff8080814dbd65d7014dbe0d84db001", "ff8080814dbd65d7014dbe0d84db0013x", "%E0%A4%A"]) {
      const error = await expectImsError(target(), `/v1/${PROJECT}/jobs/${bad}`, [400]);
      if (bad !== "%E0%A4%A") expect(error.code).toBe("IMG.0023");
    }
    expect((await expectImsError(target(), `/v1/bad%20project/jobs/${unknown}`, [400])).code).toBe("IMG.0067");
    // Any length gets the same codes, in IMS's words (no schema message about lengths).
    const long = "a".repeat(300);
    const longId = await expectImsError(target(), `/v1/${PROJECT}/jobs/${long}`, [400]);
    expect(longId.code).toBe("IMG.0023");
    expect(longId.message).not.toContain("length");
    expect((await expectImsError(target(), `/v1/${long}/jobs/${unknown}`, [400])).code).toBe("IMG.0067");
    const huawei = await expectImsError(target(), `/v1/cloudimages/job/${unknown}`, [400], { headers: { "x-project-id": long } });
    expect(huawei.code).toBe("IMG.0067");
  });

  test("paths under the Huawei route that name nothing are 404 IMG.0001", async () => {
    const unknown = hex(crypto.randomUUID());
    for (const path of ["/v1/cloudimages/job", "/v1/cloudimages/job/", `/v1/cloudimages/job/${unknown}/x`]) {
      expect((await expectImsError(target(), path, [404])).code).toBe("IMG.0001");
    }
  });

  test("12. a job of project A is not found under project B", async () => {
    const created = await target().createJob(imsJob("imsCreateImageByInstance", []));
    await target().waitFor(created.id);
    await expectImsError(target(), `/v1/${OTHER_PROJECT}/jobs/${hex(created.id)}`, [404]);
    const defaultJob = await target().createJob({ type: "script", input: { steps: [] } });
    await expectImsError(target(), `/v1/${PROJECT}/jobs/${hex(defaultJob.id)}`, [404]);
    expect((await query(target(), hex(created.id))).status).toBe("SUCCESS");
  });

  test("13. DELETE and other methods are 405, and change nothing", async () => {
    const created = await target().createJob(imsJob("imsImportImageJob", [{ sleep: 60_000 }]));
    await target().waitFor(created.id, (j) => j.state === "running");
    for (const method of ["DELETE", "POST", "PUT", "PATCH"]) {
      await expectImsError(target(), `/v1/${PROJECT}/jobs/${hex(created.id)}`, [405], { method });
    }
    expect((await target().fetch(`/v1/${PROJECT}/jobs/${hex(created.id)}`, { method: "DELETE" })).headers.get("allow")).toBe("GET");
    expect((await query(target(), hex(created.id))).status).toBe("RUNNING");
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
  });

  test("7. reads never take receipt: a finished job read here is still unreceived in the jobs dialect", async () => {
    const created = await target().createJob(imsJob("imsCreateImageByInstance", []));
    await target().waitFor(created.id);
    await query(target(), hex(created.id));
    await query(target(), hex(created.id));
    expect((await call(target(), `/jobs/${created.id}`)).status).toBe(200);
  });

  test("Huawei progress query: process_percent as a fraction, current_task, X-Project-Id scoping", async () => {
    const created = await target().createJob(
      imsJob("imsImportImageJob", [{ progress: 24, message: "QUICK_IMPORT" }, { sleep: 60_000 }]),
    );
    await target().waitFor(created.id, (j) => j.progress.percent === 24);
    const res = await call(target(), `/v1/cloudimages/job/${hex(created.id)}`, { headers: { "x-project-id": PROJECT } });
    expect(res.status).toBe(200);
    const job = res.body as ImsJob;
    expect(Object.keys(job).sort()).toEqual(KEYS);
    expect(job.status).toBe("RUNNING");
    expect(job.entities.process_percent).toBe(0.24);
    expect(job.entities.current_task).toBe("QUICK_IMPORT");
    await expectImsError(target(), `/v1/cloudimages/job/${hex(created.id)}`, [404], { headers: { "x-project-id": OTHER_PROJECT } });
    // The OTC route itself carries no progress.
    expect((await query(target(), hex(created.id))).entities.process_percent).toBeUndefined();
    await target().fetch(`/api/v1/jobs/${created.id}/cancel`, { method: "POST" });
    const done = await target().createJob(imsJob("imsImportImageJob", [{ succeed: { image_id: crypto.randomUUID() } }]));
    await target().waitFor(done.id);
    const finished = await call(target(), `/v1/cloudimages/job/${hex(done.id)}`);
    expect((finished.body as ImsJob).entities.process_percent).toBe(1);
  });

  test("unknown paths under the IMS prefix are 404 in the IMS envelope, not 500", async () => {
    await expectImsError(target(), `/v1/${PROJECT}/jobs`, [404]);
    await expectImsError(target(), `/v1/${PROJECT}/jobs/${hex(crypto.randomUUID())}/extra`, [404]);
  });
});

eachTarget(
  "dialect 003 IMS, with tokens",
  (target) => {
    test("2. no X-Auth-Token is 401 in the IMS envelope; with it the job reads", async () => {
      const job = await target().createJob({ type: "script", namespace: "proj1", input: { steps: [] } });
      const path = `/v1/proj1/jobs/${job.id.replaceAll("-", "")}`;
      const none = await target().fetch(path);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: { code: "IMG.0087", message: expect.any(String) } });
      expect((await target().fetch(path, { headers: { "x-auth-token": "not-a-token-at-all" } })).status).toBe(401);
      expect((await target().fetch(path, { headers: { "x-auth-token": ADMIN_TOKEN } })).status).toBe(200);
    });
  },
  securedTarget(),
);
