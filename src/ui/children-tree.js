// A job's sub-jobs as a tree, any depth, each linking to its own page.
import { json } from "./api.js";
import { badge, h, progressBar, shortId } from "./dom.js";

const MAX_DEPTH = 8;
const MAX_NODES = 300;

export async function childrenTree(jobId) {
  let budget = MAX_NODES;
  const level = async (id, depth) => {
    const { jobs } = await json(`/api/v1/jobs/${encodeURIComponent(id)}/children`);
    const items = [];
    for (const job of jobs) {
      if (budget-- <= 0) {
        items.push(h("li", { class: "muted" }, "…more not shown"));
        break;
      }
      const sub = job.children.length && depth < MAX_DEPTH ? await level(job.id, depth + 1) : null;
      items.push(
        h(
          "li",
          { dataset: { id: job.id } },
          h(
            "div",
            { class: "tree-row" },
            badge(job.state),
            h("a", { href: `/ui/jobs/${encodeURIComponent(job.id)}`, class: "child-link" }, job.description || job.type),
            h("span", { class: "mono small muted child-id", title: job.id }, shortId(job.id)),
            progressBar(job.progress, job.state),
          ),
          sub,
        ),
      );
    }
    return items.length ? h("ul", { class: "tree" }, items) : null;
  };
  return (await level(jobId, 1)) ?? h("p", { class: "muted" }, "No sub-jobs.");
}
