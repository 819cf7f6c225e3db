import { expect, test } from "bun:test";
import { Elysia } from "elysia";
import { createApp } from "../../src/http/app.ts";
import { synchronousRoutes } from "../../src/http/synchronous.ts";
import { Engine } from "../../src/engine/index.ts";
import { SqliteStore } from "../../src/store/index.ts";

// Each status read route, in every surface that has one (the bench measures these).
const READS = [
  "/api/v1/jobs/:id",
  "/jobs/:id",
  "/api/databases/:dbid/jobs/:job",
  "/v1/:project_id/jobs/:job_id",
  "/api/2.0/jobs/:uuid/",
];

test("the status read routes compile synchronous: their answer is not wrapped in a promise", async () => {
  const store = new SqliteStore(":memory:");
  const engine = new Engine({ store });
  const { app } = createApp({ engine });
  for (const path of READS) {
    const route = app.routes.find((r) => r.method === "GET" && r.path === path) as unknown as { compile(): Function };
    expect(`${path} ${route.compile().constructor.name}`).toBe(`${path} Function`);
  }
  await engine.close();
  store.close();
});

test("an unmarked handler that returns a call compiles async; marked, the same handler does not", () => {
  const make = () => new Elysia().get("/x/:id", ({ params }) => String(params.id));
  const compiled = (app: ReturnType<typeof make>) => (app.routes[0] as unknown as { compile(): Function }).compile();
  expect(compiled(make()).constructor.name).toBe("AsyncFunction");
  const marked = make();
  synchronousRoutes(marked, [["GET", "/x/:id"]]);
  expect(compiled(marked).constructor.name).toBe("Function");
});

test("a marked handler still gets the context it reads, and a route that does not exist is an error at once", async () => {
  const app = new Elysia().get("/x/:id", ({ params, query }) => `${params.id} ${query.q}`);
  synchronousRoutes(app, [["GET", "/x/:id"]]);
  expect(await (await app.handle(new Request("http://localhost/x/7?q=yes"))).text()).toBe("7 yes");
  expect(() => synchronousRoutes(app, [["GET", "/nope"]])).toThrow("no route GET /nope");
});
