// The jobs table: filters by state, type, namespace and text; newest first; live over SSE.
import { events, json } from "./api.js";
import { ago, badge, h, jobLink, progressBar, replace, setLive, STATES, throttle } from "./dom.js";

const PAGE = 50;
/** Rows asked for in one request; a longer list follows nextCursor. */
const REQUEST_MAX = 500;
/** How often "5s ago" is brought up to date. */
const AGO_EVERY_MS = 5_000;
const FILTERS = ["state", "type", "namespace", "text"];
const COLUMNS = ["seq", "job", "type", "namespace", "state", "progress", "created", "updated"];

export async function renderJobs(root) {
  const params = new URLSearchParams(location.search);
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ""]));
  let shown = PAGE;

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
    // The table scrolls sideways inside its own box, so a narrow window does not scroll the whole page.
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "jobs" }, h("thead", {}, h("tr", {}, COLUMNS.map((c) => h("th", { class: `col-${c}` }, c)))), tbody),
    ),
    more,
  );

  const query = (limit, cursor) => {
    const q = new URLSearchParams({ limit: String(limit) });
    for (const k of FILTERS) if (filter[k]) q.set(k, filter[k]);
    if (cursor) q.set("cursor", cursor);
    return q;
  };

  /** The newest `want` jobs, a page at a time; `more` says whether the server has older ones. */
  async function readJobs(want) {
    const jobs = [];
    let cursor = null;
    do {
      const page = await json(`/api/v1/jobs?${query(Math.min(want - jobs.length, REQUEST_MAX), cursor)}`);
      jobs.push(...page.jobs);
      cursor = page.nextCursor;
    } while (cursor && jobs.length < want);
    return { jobs, more: cursor !== null };
  }

  let loading = false;
  let pending = false;
  async function refresh() {
    if (loading) return void (pending = true);
    loading = true;
    try {
      const { jobs, more: hasMore } = await readJobs(shown);
      replace(tbody, jobs.length ? jobs.map(row) : h("tr", {}, h("td", { colspan: COLUMNS.length, class: "muted empty" }, "No jobs match.")));
      count.textContent = `${jobs.length}${hasMore ? "+" : ""} shown, newest first`;
      more.hidden = !hasMore;
    } catch (error) {
      replace(tbody, h("tr", {}, h("td", { colspan: COLUMNS.length, class: "error-box" }, error.message)));
    } finally {
      loading = false;
      if (pending) {
        pending = false;
        refresh();
      }
    }
  }

  form.addEventListener("input", () => {
    for (const el of form.elements) if (el.name) filter[el.name] = el.value.trim();
    const q = new URLSearchParams();
    for (const k of FILTERS) if (filter[k]) q.set(k, filter[k]);
    history.replaceState(null, "", `/ui${q.size ? `?${q}` : ""}`);
    shown = PAGE;
    soon();
  });

  const soon = throttle(refresh, 400);
  // The first read comes before the stream: when it asks for a token, the stream is opened with it.
  await refresh();
  const stream = events({}, setLive);
  // Opening (and reopening after jobd restarts) may have missed events: read the list again.
  stream.addEventListener("open", soon);
  stream.addEventListener("created", soon);
  stream.addEventListener("transition", soon);
  stream.addEventListener("progress", (e) => {
    const data = JSON.parse(e.data);
    const cell = tbody.querySelector(`tr[data-id="${CSS.escape(data.jobId)}"] td.progress-cell`);
    if (cell) replace(cell, progressBar({ percent: data.percent, message: data.message }, cell.dataset.state));
  });
  setInterval(() => {
    for (const cell of tbody.querySelectorAll("td[data-at]")) cell.textContent = ago(Number(cell.dataset.at));
  }, AGO_EVERY_MS);
}

const when = (column, ms) => h("td", { class: `col-${column}`, title: new Date(ms).toISOString(), dataset: { at: ms } }, ago(ms));

function row(job) {
  return h(
    "tr",
    { dataset: { id: job.id, state: job.state } },
    h("td", { class: "num col-seq" }, job.seq),
    h(
      "td",
      { class: "job-cell" },
      jobLink(job.id, { class: "job-link" }),
      h("div", { class: "desc" }, job.description || ""),
      job.parentId ? h("div", { class: "muted small" }, "child of ", jobLink(job.parentId, { class: "parent-link" })) : null,
    ),
    h("td", {}, job.type),
    h("td", {}, job.namespace),
    h("td", {}, badge(job.state), job.prompt ? h("span", { class: "small muted" }, " asks") : null),
    h("td", { class: "progress-cell", dataset: { state: job.state } }, progressBar(job.progress, job.state)),
    when("created", job.createdAt),
    when("updated", job.updatedAt),
  );
}
