import { expect, test } from "bun:test";
import { RouteLabels } from "../../src/http/route-labels.ts";

const labels = new RouteLabels(() => [
  { method: "GET", path: "/jobs" },
  { method: "GET", path: "/jobs/:id" },
  { method: "GET", path: "/jobs/detail/" },
  { method: "ALL", path: "/jobs/*" },
  { method: "ALL", path: "/jobs/:id" },
  { method: "GET", path: "/ui" },
  { method: "GET", path: "/ui/*" },
  { method: "GET", path: "/" },
]);
const of = (method: string, path: string) => labels.of(method, `http://localhost:8080${path}`);

test("a fixed segment wins over a param, and a param over a wildcard", () => {
  expect(of("GET", "/jobs/detail")).toBe("/jobs/detail/");
  expect(of("GET", "/jobs/123")).toBe("/jobs/:id");
  expect(of("GET", "/ui/assets/app.js")).toBe("/ui/*");
  expect(of("GET", "/ui")).toBe("/ui");
});

test("the request's method goes before ALL; ALL takes the rest", () => {
  expect(of("DELETE", "/jobs/123")).toBe("/jobs/:id");
  expect(of("DELETE", "/jobs/123/more")).toBe("/jobs/*");
  expect(of("POST", "/ui")).toBe("unmatched");
});

test("a trailing slash, a query and a fragment do not change the template", () => {
  expect(of("GET", "/jobs/")).toBe("/jobs");
  expect(of("GET", "/jobs/detail/?x=1#top")).toBe("/jobs/detail/");
  expect(of("GET", "/")).toBe("/");
  expect(of("GET", "/?q")).toBe("/");
});

test("a param needs a segment; unknown paths are unmatched", () => {
  expect(of("GET", "/nothing/here")).toBe("unmatched");
  // An empty segment is no id: only ALL's wildcard takes it.
  expect(of("GET", "/jobs//")).toBe("/jobs/*");
});
