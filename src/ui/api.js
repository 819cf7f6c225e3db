// The one door from the UI to jobd. Every request goes through `request`, and every live stream
// through `events`, so adding credentials (a bearer token, or `?access_token=` for SSE, which cannot
// send headers) is a change here and nowhere else.

/** Headers every API call carries. */
function authHeaders() {
  return {};
}

/** Query parameters an EventSource carries (it cannot send headers). */
function authQuery() {
  return {};
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** A raw call: the caller reads status and body itself (the wire views need exactly that). */
export function request(path, init = {}) {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(authHeaders())) headers.set(k, v);
  return fetch(path, { ...init, headers });
}

/** A JSON call that throws ApiError on a non-2xx answer. */
export async function json(path, init = {}) {
  const res = await request(path, init);
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export const post = (path, body) =>
  json(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });

/** A live stream of engine events (see /api/v1/events), reporting whether it is connected. */
export function events(params, onStatus) {
  const query = new URLSearchParams({ ...params, ...authQuery() });
  const qs = query.toString();
  const source = new EventSource(`/api/v1/events${qs ? `?${qs}` : ""}`);
  source.addEventListener("open", () => onStatus?.(true));
  source.addEventListener("error", () => onStatus?.(source.readyState === EventSource.OPEN));
  return source;
}
