// The jobs table: filters by state, type, namespace and text; newest first; live over SSE.
import { events, json } from "./api.js";
import { ago, badge, h, progressBar, replace, setLive, STATES, throttle } from "./dom.js";

const PAGE = 50;
const FILTERS = ["state", "type", "namespace", "text"];

export async function renderJobs(root) {
  const params = new URLSearchParams(location.search);
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ""]));
  let shown = PAGE;
  let nextCursor = null;

  const input = (name, placeholder) =>
    h("input", { name, placeholder, value: filter[name], type: "search", autocomplete: "off", "aria-label": name });
  const stateSelect = h(
    "select",
    { name: "state", "aria-label": "state" },
    h("option", { value: "" }, "any state"),
    STATES.map((s) => h("option", { value: s, selected: filter.state === s }, s)),
  );
  const form = h(
    "form",
    { class: "filters", onsubmit: (e) => e.preventDefault() },
    stateSelect,
    input("type", "type"),
    input("namespace", "namespace"),
    input("text", "search id, type, description"),
  );
  const count = h("span", { class: "muted" });
  const tbody = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true, onclick: () => { shown += PAGE; refresh(); } }, "Load more");
  replace(
    root,
    h("div", { class: "page-head" }, h("h1", {}, "Jobs"), count),
    form,
    h(
      "table",
      { class: "jobs" },
      h("thead", {}, h("tr", {}, ["seq", "job", "type", "namespace", "state", "progress", "created", "updated"].map((c) => h("th", {}, c)))),
      tbody,
    ),
    more,
  );

  const query = () => {
    const q = new URLSearchParams({ limit: String(Math.min(shown, 500)) });
    for (const k of FILTERS) if (filter[k]) q.set(k, filter[k]);
    return q;
  };

  let loading = false;
  async function refresh() {
    if (loading) return void (pending = true);
    loading = true;
    try {
      const page = await json(`/api/v1/jobs?${query()}`);
      nextCursor = page.nextCursor;
      replace(tbody, page.jobs.length ? page.jobs.map(row) : h("tr", {}, h("td", { colspan: 8, class: "muted empty" }, "No jobs match.")));
      count.textContent = `${page.jobs.length}${nextCursor ? "+" : ""} shown, newest first`;
      more.hidden = !nextCursor || shown >= 500;
    } catch (error) {
      replace(tbody, h("tr", {}, h("td", { colspan: 8, class: "error-box" }, error.message)));
    } finally {
      loading = false;
      if (pending) {
        pending = false;
        refresh();
      }
    }
  }
  let pending = false;

  form.addEventListener("input", () => {
    for (const el of form.elements) if (el.name) filter[el.name] = el.value.trim();
    const q = new URLSearchParams();
    for (const k of FILTERS) if (filter[k]) q.set(k, filter[k]);
    history.replaceState(null, "", `/ui${q.size ? `?${q}` : ""}`);
    shown = PAGE;
    soon();
  });

  const soon = throttle(refresh, 400);
  const stream = events({}, setLive);
  stream.addEventListener("created", soon);
  stream.addEventListener("transition", soon);
  stream.addEventListener("progress", (e) => {
    const data = JSON.parse(e.data);
    const cell = tbody.querySelector(`tr[data-id="${CSS.escape(data.jobId)}"] td.progress-cell`);
    if (cell) replace(cell, progressBar({ percent: data.percent, message: data.message }, cell.dataset.state));
  });
  await refresh();
}

function row(job) {
  const link = `/ui/jobs/${encodeURIComponent(job.id)}`;
  return h(
    "tr",
    { dataset: { id: job.id, state: job.state } },
    h("td", { class: "num" }, job.seq),
    h(
      "td",
      { class: "job-cell" },
      h("a", { href: link, class: "mono" }, job.id.slice(0, 8) + "…"),
      h("div", { class: "desc" }, job.description || ""),
      job.parentId ? h("div", { class: "muted small" }, "child of ", h("a", { href: `/ui/jobs/${encodeURIComponent(job.parentId)}`, class: "mono" }, job.parentId.slice(0, 8) + "…")) : null,
    ),
    h("td", {}, job.type),
    h("td", {}, job.namespace),
    h("td", {}, badge(job.state), job.prompt ? h("span", { class: "small muted" }, " asks") : null),
    h("td", { class: "progress-cell", dataset: { state: job.state } }, progressBar(job.progress, job.state)),
    h("td", { title: new Date(job.createdAt).toISOString() }, ago(job.createdAt)),
    h("td", { title: new Date(job.updatedAt).toISOString() }, ago(job.updatedAt)),
  );
}
