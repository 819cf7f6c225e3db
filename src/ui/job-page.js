// One job: its statechart lit live, progress, prompt, cancel, children, timeline, result and wire views.
import { ApiError, events, json, post } from "./api.js";
import { childrenTree } from "./children-tree.js";
import { badge, FINISHED, h, pretty, progressBar, replace, setLive, throttle, time } from "./dom.js";
import { createStatechart } from "./statechart.js";
import { createTimeline } from "./timeline.js";
import { createWireViews } from "./wire-views.js";

const section = (title, ...children) => h("section", { class: "card" }, h("h2", {}, title), ...children);
const sectionWithTools = (title, tools, ...children) =>
  h("section", { class: "card" }, h("div", { class: "section-head" }, h("h2", {}, title), tools), ...children);

export async function renderJob(root, id) {
  const base = `/api/v1/jobs/${encodeURIComponent(id)}`;
  let job;
  try {
    job = await json(base);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      replace(root, h("div", { class: "error-box" }, `No job ${id}. It may have been received or swept away. `, h("a", { href: "/ui" }, "Back to the jobs.")));
      return;
    }
    throw error;
  }

  const chart = createStatechart();
  const timeline = createTimeline((step) => {
    chart.light(step ? step.to : job.stateValue, step ?? timeline.last, { scroll: true });
    root.classList.toggle("replaying", step !== null);
  });
  const wire = createWireViews();
  const head = h("div", { class: "job-head" });
  const summary = h("dl", { class: "facts" });
  const progress = h("div", { class: "progress-row" });
  const prompt = h("div", { class: "prompt-slot" });
  const actions = h("div", { class: "actions" });
  const outcome = h("div");
  const tree = h("div", { class: "tree-slot" }, h("p", { class: "muted" }, "Loading…"));
  const notice = h("div", { class: "notice", role: "status", "aria-live": "polite" });

  replace(
    root,
    head,
    notice,
    h(
      "div",
      { class: "job-grid" },
      h("div", { class: "main-col" }, sectionWithTools("Statechart", chart.tools, chart.el), section("Timeline", timeline.el)),
      h(
        "div",
        { class: "side-col" },
        section("State", progress, prompt, actions, summary),
        section("Sub-jobs", tree),
        section("Result", outcome),
      ),
    ),
    section("On the wire", h("p", { class: "muted small" }, "What each dialect's clients see for this job right now."), wire.el),
  );

  const say = (text, kind = "info") => {
    replace(notice, text ? h("div", { class: `notice-${kind}` }, text) : null);
  };

  const act = async (label, fn) => {
    say(`${label}…`);
    try {
      await fn();
      say("");
    } catch (error) {
      say(`${label} failed: ${error.message}`, "error");
    }
  };

  function drawJob() {
    document.title = `${job.description || job.type} · jobd`;
    replace(
      head,
      h("div", { class: "crumbs" }, h("a", { href: "/ui" }, "Jobs"), job.parentId ? [" / ", h("a", { href: `/ui/jobs/${encodeURIComponent(job.parentId)}`, class: "parent-link" }, "parent")] : null),
      h("h1", {}, job.description || job.type, " ", badge(job.state)),
      h("div", { class: "mono muted", id: "job-id" }, job.id, ` · seq ${job.seq} · `, h("span", { class: "state-value" }, job.stateValue)),
    );
    replace(progress, progressBar(job.progress, job.state), h("div", { class: "muted small" }, job.progress.message || ""));
    replace(
      prompt,
      job.prompt
        ? h(
            "div",
            { class: "prompt" },
            h("p", { class: "prompt-message" }, job.prompt.message),
            h(
              "div",
              { class: "buttons" },
              job.prompt.buttons.map((label, i) =>
                h(
                  "button",
                  {
                    type: "button",
                    class: i === job.prompt.defaultButton ? "primary" : "",
                    dataset: { button: i },
                    onclick: (e) => {
                      for (const b of prompt.querySelectorAll("button")) b.disabled = true;
                      act(`Answering “${label}”`, () => post(`${base}/answer`, { button: i })).then(() => {
                        if (e.target.isConnected) for (const b of prompt.querySelectorAll("button")) b.disabled = false;
                      });
                    },
                  },
                  label,
                ),
              ),
            ),
            job.prompt.deadline ? h("p", { class: "muted small" }, `Answer by ${time(job.prompt.deadline)}`) : null,
          )
        : null,
    );
    replace(
      actions,
      h(
        "button",
        {
          type: "button",
          class: "danger",
          disabled: FINISHED.has(job.state) || job.state === "cancelling",
          onclick: () => act("Cancelling", () => post(`${base}/cancel`)),
        },
        job.state === "cancelling" ? "Cancelling…" : "Cancel job",
      ),
    );
    const fact = (k, v) => [h("dt", {}, k), h("dd", {}, v)];
    replace(
      summary,
      fact("type", job.type),
      fact("namespace", job.namespace),
      fact("owner", job.owner ?? "—"),
      fact("attempts", `${job.attempts} of ${job.maxAttempts}`),
      fact("failure policy", job.failurePolicy),
      fact("answers", job.answers.length ? job.answers.join(", ") : "—"),
      fact("created", time(job.createdAt)),
      fact("started", time(job.startedAt)),
      fact("finished", time(job.finishedAt)),
      job.resources.length ? fact("resources", job.resources.join("\n")) : null,
    );
    replace(
      outcome,
      job.error ? h("div", {}, h("h3", { class: "err-title" }, `Error ${job.error.code}`), h("pre", { class: "json error-json" }, pretty(job.error))) : null,
      job.result !== null ? h("div", {}, h("h3", {}, "Result"), h("pre", { class: "json" }, pretty(job.result))) : null,
      !job.error && job.result === null ? h("p", { class: "muted" }, FINISHED.has(job.state) ? "No result." : "Not finished yet.") : null,
      h("details", {}, h("summary", {}, "Input"), h("pre", { class: "json" }, pretty(job.input))),
    );
    if (!timeline.replaying) chart.light(job.stateValue, timeline.last);
  }

  async function reloadJob() {
    try {
      job = await json(base);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) say("This job is gone (received or deleted).", "error");
      return;
    }
    const log = await json(`${base}/log`).catch(() => null);
    if (log) timeline.update(log.transitions);
    drawJob();
    wire.update(job);
  }

  async function reloadTree() {
    try {
      replace(tree, await childrenTree(id));
    } catch (error) {
      replace(tree, h("p", { class: "error-box" }, error.message));
    }
  }

  drawJob();
  const stream = events({ job: id, children: "true" }, setLive);
  const jobSoon = throttle(reloadJob, 250);
  const treeSoon = throttle(reloadTree, 500);
  stream.addEventListener("transition", (e) => {
    const data = JSON.parse(e.data);
    if (data.jobId === id) jobSoon();
    else treeSoon();
  });
  stream.addEventListener("created", treeSoon);
  stream.addEventListener("progress", (e) => {
    const data = JSON.parse(e.data);
    if (data.jobId === id) {
      job = { ...job, progress: { percent: data.percent, message: data.message } };
      replace(progress, progressBar(job.progress, job.state), h("div", { class: "muted small" }, job.progress.message || ""));
    } else treeSoon();
  });
  // The stream may have missed transitions while it connected: read once more when it opens.
  stream.addEventListener("open", jobSoon);

  await Promise.all([
    chart.load(`${base}/machine?format=svg`).catch((error) => replace(chart.el, h("p", { class: "error-box" }, error.message))),
    json(`${base}/log`).then((log) => timeline.update(log.transitions)),
    reloadTree(),
  ]);
  drawJob();
  chart.light(job.stateValue, timeline.last, { scroll: true });
  wire.update(job);
}
