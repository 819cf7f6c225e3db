// Every kind's statechart, drawn by jobd from the machine definitions compiled into it.
import { json, request } from "./api.js";
import { h, replace } from "./dom.js";
import { createStatechart } from "./statechart.js";

const EXTENSIONS = { json: "json", mermaid: "mmd", svg: "svg" };

/**
 * An export link. A plain link cannot carry a bearer token, so the click fetches the file through
 * `request` (which adds it, and asks for one on a 401) and saves what came back.
 */
function exportLink(kind, path, format, status) {
  const filename = `${kind}.${EXTENSIONS[format]}`;
  const href = `${path}?format=${format}`;
  return h(
    "a",
    {
      href,
      download: filename,
      onclick: async (e) => {
        e.preventDefault();
        status.textContent = "";
        try {
          const res = await request(href);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const url = URL.createObjectURL(await res.blob());
          const save = h("a", { href: url, download: filename, hidden: true });
          document.body.append(save);
          save.click();
          save.remove();
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
        } catch (error) {
          status.textContent = `${format}: ${error.message}`;
        }
      },
    },
    format,
  );
}

export async function renderMachines(root, only) {
  const { machines } = await json("/api/v1/machines");
  const shown = only ? machines.filter((m) => m.kind === only) : machines;
  replace(
    root,
    h("div", { class: "page-head" }, h("h1", {}, only ? `Machine: ${only}` : "Machines"), only ? h("a", { href: "/ui/machines" }, "all kinds") : null),
    h(
      "p",
      { class: "muted" },
      "Each kind runs the lifecycle machine (job) and, while running, its own work machine. ",
      "Any type no built-in kind claims runs on external workers and is drawn as ",
      h("a", { href: "/ui/machines/external" }, "external"),
      ".",
    ),
    h("nav", { class: "kind-nav" }, machines.map((m) => h("a", { href: `/ui/machines/${encodeURIComponent(m.kind)}` }, m.kind))),
  );
  if (shown.length === 0) {
    root.append(h("div", { class: "error-box" }, `No machine named ${only}.`));
    return;
  }
  for (const m of shown) {
    const chart = createStatechart();
    // With every kind on one page, the whole drawing matters more than its fine print.
    chart.setFit(true);
    const api = `/api/v1/machines/${encodeURIComponent(m.kind)}`;
    const exportStatus = h("span", { class: "export-status small", role: "status" });
    root.append(
      h(
        "section",
        { class: "card", id: `kind-${m.kind}`, dataset: { kind: m.kind } },
        h(
          "div",
          { class: "section-head" },
          h("h2", {}, m.kind),
          h("span", { class: "mono muted small" }, m.version, m.inProcess ? " · runs in jobd" : " · runs on workers"),
          h("span", { class: "exports" }, "export:", ["json", "mermaid", "svg"].map((f) => exportLink(m.kind, api, f, exportStatus)), exportStatus),
          chart.tools,
        ),
        chart.el,
      ),
    );
    await chart.load(`${api}?format=svg`);
  }
}
