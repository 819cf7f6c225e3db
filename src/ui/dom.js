// Small DOM helpers: the UI builds its pages from plain elements, with text set as text (never HTML).

/** h("a", {href: "/x", class: "y", onclick: fn}, "text", child…) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const FINISHED = new Set(["succeeded", "failed", "canceled"]);
export const STATES = ["queued", "running", "waiting", "cancelling", "succeeded", "failed", "canceled"];

export const badge = (state) => h("span", { class: `badge st-${state}`, dataset: { state } }, state);

export function progressBar(progress, state) {
  const percent = Math.max(0, Math.min(100, Number(progress?.percent) || 0));
  return h(
    "div",
    { class: `progress st-${state ?? ""}`, role: "progressbar", "aria-valuenow": percent, "aria-valuemin": 0, "aria-valuemax": 100, title: progress?.message ?? "" },
    h("div", { class: "bar", style: { width: `${percent}%` } }),
    h("span", { class: "pct" }, `${Math.round(percent)}%`),
  );
}

export function time(ms) {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function ago(ms) {
  if (!ms) return "";
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 60) return `${Math.max(0, s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/**
 * A job id short enough for a table. A UUIDv7 starts with its creation time, so its first digits are the
 * same for every job made in the same minute; its last 8 hex digits are random and tell jobs apart.
 */
export const shortId = (id) => (id.length > 12 ? `…${id.slice(-8)}` : id);

/** A link to a job's page, showing its short id, with the whole id as its tooltip. */
export const jobLink = (id, props = {}) =>
  h("a", { href: `/ui/jobs/${encodeURIComponent(id)}`, title: id, ...props, class: `mono ${props.class ?? ""}`.trim() }, shortId(id));

export const pretty = (value) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

/** Calls fn at most once per `ms`, always with a last call after the final trigger. */
export function throttle(fn, ms) {
  let timer = null;
  let again = false;
  return () => {
    if (timer) {
      again = true;
      return;
    }
    fn();
    timer = setTimeout(function tick() {
      if (again) {
        again = false;
        fn();
        timer = setTimeout(tick, ms);
      } else timer = null;
    }, ms);
  };
}

export function setLive(on) {
  const el = document.getElementById("live");
  if (!el) return;
  el.hidden = false;
  el.textContent = on ? "live" : "offline";
  el.classList.toggle("on", on);
}
