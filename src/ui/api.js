// The one door from the UI to jobd. Every request goes through `request`, and every live stream
// through `events`, so adding credentials (a bearer token, or `?access_token=` for SSE, which cannot
// send headers) is a change here and nowhere else.

// With tokens on (docs/security.md), the page itself loads without one; its API calls need a bearer
// token. The first 401 asks for it once, and it is kept in this browser's localStorage.
const TOKEN_KEY = "jobd.token";

function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Asks for a token once per page load; concurrent 401s share the one question. */
let asking = null;
function askForToken() {
  asking ??= Promise.resolve().then(() => {
    const entered = (window.prompt("This jobd needs a token. It is kept in this browser (localStorage).") ?? "").trim();
    if (entered) {
      try {
        localStorage.setItem(TOKEN_KEY, entered);
      } catch {
        // Storage refused (private mode): the token lasts as long as the page.
      }
    }
    return entered;
  });
  return asking;
}

/**
 * Headers every API call carries: Bearer for jobd's own API; a dialect's wire view gets the token in
 * the forms the dialects read (Basic `ui:token` for CentriQS, CloudSigma, ArangoDB, Crystite; X-Auth-Token for IMS).
 */
function authHeaders(path) {
  const token = storedToken();
  if (!token) return {};
  if (path.startsWith("/api/v1/")) return { authorization: `Bearer ${token}` };
  return { authorization: `Basic ${btoa(`ui:${token}`)}`, "x-auth-token": token };
}

/** Query parameters an EventSource carries (it cannot send headers). */
function authQuery() {
  const token = storedToken();
  return token ? { access_token: token } : {};
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** A raw call: the caller reads status and body itself (the wire views need exactly that). */
export async function request(path, init = {}) {
  const send = () => {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(authHeaders(path))) headers.set(k, v);
    return fetch(path, { ...init, headers });
  };
  const res = await send();
  if (res.status !== 401) return res;
  // One question per page load; a token that is still refused leaves the 401 to the caller.
  return (await askForToken()) ? send() : res;
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

/**
 * A live stream of engine events (see /api/v1/events), reporting whether it is connected. Open it after
 * the page's first API call: that call asks for a token when one is needed, and an EventSource refused
 * with 401 never tries again. Its `open` event fires on every (re)connection, when a page should read
 * again whatever it may have missed.
 */
export function events(params, onStatus) {
  const query = new URLSearchParams({ ...params, ...authQuery() });
  const qs = query.toString();
  const source = new EventSource(`/api/v1/events${qs ? `?${qs}` : ""}`);
  source.addEventListener("open", () => onStatus?.(true));
  source.addEventListener("error", () => onStatus?.(source.readyState === EventSource.OPEN));
  return source;
}
