import type { DocumentDecoration, TSchema } from "elysia";
import { documentedResponses, media } from "../../openapi.ts";

/** CentriQS answers JSON under either type, as the client's Accept asks (reply.ts). */
const JSON_TYPES = ["application/json", "text/json"];

export const jsonBody = (schema: TSchema, description: string): Pick<DocumentDecoration, "requestBody"> => ({
  requestBody: { description, content: media(schema, JSON_TYPES) },
});

export const jsonResponses = (
  responses: Record<number, { schema?: TSchema; description: string }>,
): Pick<DocumentDecoration, "responses"> => ({ responses: documentedResponses(responses, () => JSON_TYPES) });
