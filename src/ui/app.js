// The jobd debugging UI: one shell page, routed by path.
import { renderJob } from "./job-page.js";
import { renderJobs } from "./jobs-page.js";
import { renderMachines } from "./machines-page.js";
import { h, replace } from "./dom.js";

/** A path segment as text; a malformed escape (`%E0%A4%A`) is kept as it is, to be reported as not found. */
function segment(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const routes = [
  [/^\/ui\/?$/, "jobs", () => renderJobs],
  [/^\/ui\/jobs\/([^/]+)\/?$/, "jobs", (m) => (root) => renderJob(root, segment(m[1]))],
  [/^\/ui\/machines\/?$/, "machines", () => (root) => renderMachines(root, null)],
  [/^\/ui\/machines\/([^/]+)\/?$/, "machines", (m) => (root) => renderMachines(root, segment(m[1]))],
];

function start() {
  const root = document.getElementById("app");
  for (const [pattern, nav, page] of routes) {
    const m = location.pathname.match(pattern);
    if (!m) continue;
    for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("current", a.dataset.nav === nav);
    page(m)(root).catch((error) => {
      replace(root, h("div", { class: "error-box" }, `Could not load this page: ${error.message}`));
    });
    return;
  }
  replace(root, h("p", {}, "No such page. ", h("a", { href: "/ui" }, "Back to the jobs.")));
}

start();
