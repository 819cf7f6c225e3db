// The job as each dialect's clients see it on the wire: status and body, fetched from the browser.
import { request } from "./api.js";
import { h, replace } from "./dom.js";

const DIALECTS = [
  { name: "000 jobs", path: (job) => `/jobs/${job.id}?peek=true`, note: "peek: reading does not take receipt" },
  { name: "001 arango", path: (job) => `/_api/job/${job.seq}`, note: "status only, as an arango client polls it; the result is not fetched" },
  { name: "002 databases", path: (job) => `/api/databases/${encodeURIComponent(job.namespace)}/jobs/${job.id}` },
  { name: "003 ims", path: (job) => `/v1/${encodeURIComponent(job.namespace)}/jobs/${job.id.replaceAll("-", "")}` },
  { name: "004 cloudsigma", path: (job) => `/api/2.0/jobs/${job.id}/` },
];

async function fetchView(path) {
  try {
    const res = await request(path, { headers: { accept: "application/json" } });
    const text = await res.text();
    let body = text;
    try {
      body = text ? JSON.stringify(JSON.parse(text), null, 2) : "(empty body)";
    } catch {
      // Not JSON: shown as it came.
    }
    return { status: res.status, statusText: res.statusText, type: res.headers.get("content-type") ?? "", body };
  } catch (error) {
    return { status: 0, statusText: "network error", type: "", body: String(error.message ?? error) };
  }
}

export function createWireViews() {
  let job = null;
  let active = 0;
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const panel = h("div", { class: "wire-panel", role: "tabpanel" });
  const el = h("div", { class: "wire" }, tabs, panel);

  async function show(i) {
    active = i;
    for (const [j, b] of [...tabs.children].entries()) b.setAttribute("aria-selected", String(j === i));
    if (!job) return;
    const d = DIALECTS[i];
    const path = d.path(job);
    replace(panel, h("p", { class: "muted" }, `GET ${path} …`));
    const view = await fetchView(path);
    if (active !== i) return;
    replace(
      panel,
      h(
        "div",
        { class: "wire-head" },
        h("span", { class: `http-status s${String(view.status)[0]}` }, `${view.status} ${view.statusText}`),
        h("code", {}, `GET ${path}`),
        view.type ? h("span", { class: "muted small" }, view.type) : null,
      ),
      d.note ? h("p", { class: "muted small" }, d.note) : null,
      h("pre", { class: "json" }, view.body),
    );
  }

  replace(
    tabs,
    DIALECTS.map((d, i) => h("button", { type: "button", role: "tab", class: "tab", onclick: () => show(i) }, d.name)),
  );

  return {
    el,
    update(next) {
      job = next;
      return show(active);
    },
  };
}
