/**
 * The baseline for the HTTP figures: bare Elysia routes on the same paths and with the same TypeBox
 * schemas as jobd's native API, doing nothing. jobd's figures are read as a fraction of these.
 * Compiled by the bench with `bun build --compile` like jobd, so both run on the same Bun.
 *
 * Usage: baseline-server --port N
 */
import { Elysia } from "elysia";
import { AnswerSchema, IdParams, JobSpecSchema } from "../../src/http/native/schemas.ts";

const portArg = process.argv.indexOf("--port");
const port = Number(portArg > 0 ? process.argv[portArg + 1] : 0);

new Elysia()
  .post(
    "/api/v1/jobs",
    ({ set }) => {
      set.status = 201;
      return { id: "01a20000-0000-7000-8000-000000000000", state: "queued" };
    },
    { body: JobSpecSchema },
  )
  .get("/api/v1/jobs/:id", ({ params }) => ({ id: params.id, state: "queued" }), { params: IdParams })
  // Figure 4's floor: an answer's round trip through a route that validates it and does nothing.
  .post("/api/v1/jobs/:id/answer", ({ params }) => ({ id: params.id, state: "waiting" }), {
    params: IdParams,
    body: AnswerSchema,
  })
  .get("/readyz", () => ({ status: "ready" }))
  .listen({ port, hostname: "127.0.0.1" });
