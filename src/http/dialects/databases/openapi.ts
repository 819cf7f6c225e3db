import type { DocumentDecoration, TSchema } from "elysia";

/**
 * OpenAPI for routes that read their body as text and build their own Response: the swagger plugin
 * would otherwise list the parse type (`text/plain`) as the media type of every answer.
 */
type Media = { schema: object };
const media = (schema: TSchema): Record<string, Media> => {
  // A TypeBox schema is a JSON Schema; OpenAPI's types just do not know TypeBox's.
  const m = { schema } as unknown as Media;
  return { "application/json": m, "text/json": m };
};

export const jsonBody = (schema: TSchema, description: string): Pick<DocumentDecoration, "requestBody"> => ({
  requestBody: { description, content: media(schema) },
});

export const jsonResponses = (
  responses: Record<number, { schema?: TSchema; description: string }>,
): Pick<DocumentDecoration, "responses"> => ({
  responses: Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [
      status,
      r.schema ? { description: r.description, content: media(r.schema) } : { description: r.description },
    ]),
  ),
});
