import { t } from "elysia";

/**
 * Errors the way ASP.NET Core (Crystite, generation B) sends them: RFC 7807 problem details. Clients
 * of the original only look at the status code; the body says what went wrong for people.
 */
const KNOWN: Record<number, { title: string; section: string }> = {
  400: { title: "Bad Request", section: "15.5.1" },
  401: { title: "Unauthorized", section: "15.5.2" },
  403: { title: "Forbidden", section: "15.5.4" },
  404: { title: "Not Found", section: "15.5.5" },
  405: { title: "Method Not Allowed", section: "15.5.6" },
  409: { title: "Conflict", section: "15.5.10" },
  500: { title: "An error occurred while processing your request.", section: "15.6.1" },
  503: { title: "Service Unavailable", section: "15.6.4" },
};
const FALLBACK = { title: "Bad Request", section: "15.5.1" };

export const ProblemSchema = t.Object({
  type: t.String(),
  title: t.String(),
  status: t.Integer(),
  detail: t.Optional(t.String()),
});

export function problem(status: number, detail?: string, headers: Record<string, string> = {}): Response {
  const known = KNOWN[status] ?? KNOWN[status < 500 ? 400 : 500] ?? FALLBACK;
  const body = {
    type: `https://tools.ietf.org/html/rfc9110#section-${known.section}`,
    title: known.title,
    status,
    ...(detail ? { detail } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json; charset=utf-8", ...headers },
  });
}
