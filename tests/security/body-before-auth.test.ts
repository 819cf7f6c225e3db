/**
 * What docs/security.md says about the order of checks on a body: one that does not parse as JSON is a
 * 400 before credentials are looked at (Elysia parses before any hook runs), one that parses but breaks
 * the schema is a 401 without credentials. Neither answer depends on a job, so neither reveals one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inProcessTarget, type Target } from "../helpers/target.ts";
import { ADMIN_TOKEN, bearer, WRONG_TOKEN } from "./principals.ts";

let target: Target;
beforeAll(async () => {
  target = await inProcessTarget({
    principals: [{ name: "admin", token: ADMIN_TOKEN, namespaces: "*", role: "admin" }],
    authorization: `Bearer ${ADMIN_TOKEN}`,
  });
});
afterAll(() => target?.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  target.fetch(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("a native body and the credentials", () => {
  test("a body that is not JSON is 400 whatever the credentials, and the same for a job that exists or not", async () => {
    const job = await target.createJob({ type: "script", input: { steps: [{ sleep: 60_000 }] } });
    const answers: { status: number; body: unknown }[] = [];
    for (const headers of [{}, bearer(WRONG_TOKEN), bearer(ADMIN_TOKEN)]) {
      for (const path of ["/api/v1/jobs", `/api/v1/jobs/${job.id}/answer`, "/api/v1/jobs/no-such-job/answer"]) {
        const res = await post(path, "{not json", headers);
        answers.push({ status: res.status, body: await res.json() });
      }
    }
    // One answer for every caller and job: it cannot tell a job that exists from one that does not.
    expect(answers[0]).toMatchObject({ status: 400, body: { error: { code: "BAD_REQUEST" } } });
    for (const answer of answers) expect(answer).toEqual(answers[0]!);
  });

  test("a body that parses but breaks the schema is 401 without credentials, 400 with them", async () => {
    expect((await post("/api/v1/jobs", '{"bogus":1}')).status).toBe(401);
    expect((await post("/api/v1/jobs", '{"bogus":1}', bearer(WRONG_TOKEN))).status).toBe(401);
    expect((await post("/api/v1/jobs", '{"bogus":1}', bearer(ADMIN_TOKEN))).status).toBe(400);
  });
});
