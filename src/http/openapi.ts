import type { DocumentDecoration, TSchema } from "elysia";

/**
 * OpenAPI for answers that are not declared through a route's `response`: the swagger plugin only
 * documents those. Routes that build their own Response would otherwise show the parse type as every
 * answer's media type (CentriQS), and a route whose answer Elysia must not check has no `response`
 * at all (the Crystite read, compiled synchronous).
 */
type Media = { schema: object };

/** The same schema under each media type. */
export const media = (schema: TSchema, types: readonly string[]): Record<string, Media> => {
  // A TypeBox schema is a JSON Schema; OpenAPI's types just do not know TypeBox's.
  const m = { schema } as unknown as Media;
  return Object.fromEntries(types.map((type) => [type, m]));
};

/** Answers by status; `types` gives the media types of each status that has a schema. */
export const documentedResponses = (
  responses: Record<number, { schema?: TSchema; description: string }>,
  types: (status: number) => readonly string[],
): NonNullable<DocumentDecoration["responses"]> =>
  Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [
      status,
      r.schema ? { description: r.description, content: media(r.schema, types(Number(status))) } : { description: r.description },
    ]),
  );
