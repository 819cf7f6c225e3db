import { swagger } from "@elysiajs/swagger";
import { Elysia } from "elysia";
// The Scalar reference UI, embedded in the binary: /swagger works with no network.
// The package exports map hides the browser bundle, so it is imported by path.
import scalarBundle from "../../node_modules/@scalar/api-reference/dist/browser/standalone.js" with { type: "text" };
import { VERSION } from "../version.ts";
import { JobSpecSchema } from "./native/schemas.ts";

const SCALAR_PATH = "/swagger/assets/scalar.js";
const SPEC_PATH = "/swagger/json";

/**
 * A recursive TypeBox schema (JobSpec: a job and its children) refers to itself by its `$id`, as
 * `{"$ref": "JobSpec"}`, which no OpenAPI reader resolves ("invalid reference"). The document gets the
 * schema under components and every such reference pointed there.
 */
export function withComponentRefs(document: unknown): unknown {
  const toComponent = (value: unknown) =>
    JSON.parse(JSON.stringify(value).replaceAll('"$ref":"JobSpec"', '"$ref":"#/components/schemas/JobSpec"').replaceAll('"$id":"JobSpec",', ""));
  const doc = toComponent(document) as { components?: { schemas?: Record<string, unknown> } };
  const schemas = { ...doc.components?.schemas, JobSpec: toComponent(JobSpecSchema) };
  return { ...doc, components: { ...doc.components, schemas } };
}

export const docs = () =>
  new Elysia({ name: "docs" })
    .get(
      SCALAR_PATH,
      () =>
        new Response(scalarBundle, {
          headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" },
        }),
      { detail: { hide: true } },
    )
    // Local to this plugin: only the swagger routes below pass it.
    .onAfterHandle(({ path, response }) => (path === SPEC_PATH ? withComponentRefs(response) : undefined))
    .use(
      swagger({
        path: "/swagger",
        scalarCDN: SCALAR_PATH,
        // The plugin drops every path with a dot as a "static file"; CloudSigma's /api/2.0/… has one.
        // Asset routes hide themselves with detail.hide instead.
        excludeStaticFile: false,
        scalarConfig: { withDefaultFonts: false, hideClientButton: true } as Record<string, unknown>,
        documentation: {
          info: {
            title: "jobd",
            version: VERSION,
            description:
              "One job engine, a native API and five wire dialects (Crystite jobs, ArangoDB async jobs, " +
              "CentriQS, OTC IMS, CloudSigma).",
          },
          tags: [
            { name: "jobs", description: "The native jobs API" },
            { name: "events", description: "Live events" },
            { name: "auth", description: "The caller's principal" },
            { name: "operations", description: "Health and metrics" },
          ],
        },
      }),
    );
