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
  // Asked beside the job, so that a read-only token is never offered buttons it may not use.
  const me = json("/api/v1/whoami").catch(() => null);
  let job;
  try {
    job = await json(base);
  } catch (error) {
    // 400: an id no job can have (too long); shown like an unknown one.
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
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
  let transitions = [];
  // Why answering and cancelling are off: a read-only token (learnt from /api/v1/whoami before the
  // job is first drawn), or the server's reason once it refuses a change with 403.
  let readOnly = null;
  const principal = await me;
  if (principal?.role === "read") readOnly = `the token “${principal.name}” may only read`;
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
        h("section", { class: "card state-card" }, h("h2", {}, "State"), progress, prompt, actions, summary),
        section("Sub-jobs", tree),
        section("Result", outcome),
      ),
    ),
    section("On the wire", h("p", { class: "muted small" }, "What each dialect's clients see for this job right now."), wire.el),
  );

  const say = (text, kind = "info") => {
    replace(notice, text ? h("div", { class: `notice-${kind}` }, text) : null);
  };

  /** Runs a change; on failure says why and returns the error. */
  const act = async (label, fn) => {
    say(`${label}…`);
    try {
      await fn();
      say("");
      return null;
    } catch (error) {
      say(`${label} failed: ${error.message}`, "error");
      if (error instanceof ApiError && error.status === 403) {
        readOnly = `jobd said “${error.message}”`;
        drawJob();
      }
      return error;
    }
  };

  async function answer(label, button, asked) {
    for (const b of prompt.querySelectorAll("button")) b.disabled = true;
    // `prompt` names the question shown, so a late click cannot answer the one asked after it.
    const error = await act(`Answering “${label}”`, () => post(`${base}/answer`, { button, prompt: asked }));
    if (!error) return;
    const code = error instanceof ApiError ? error.body?.error?.code : null;
    // Nothing is asked any more (answered elsewhere, deadline passed): the buttons stay off until the
    // page learns what the job does now. Any other failure (the network, say) may be tried again.
    if (code === "NOTHING_ASKED" || code === "CONFLICT") jobSoon();
    else if (!readOnly) for (const b of prompt.querySelectorAll("button")) b.disabled = false;
  }

  function drawJob() {
    document.title = `${job.description || job.type} · jobd`;
    replace(
      head,
      h("div", { class: "crumbs" }, h("a", { href: "/ui" }, "Jobs"), job.parentId ? [" / ", h("a", { href: `/ui/jobs/${encodeURIComponent(job.parentId)}`, class: "parent-link" }, "parent")] : null),
      h("h1", {}, job.description || job.type, " ", badge(job.state)),
      h("div", { class: "mono muted", id: "job-id" }, job.id, ` · seq ${job.seq} · `, h("span", { class: "state-value" }, job.stateValue)),
    );
    replace(progress, progressBar(job.progress, job.state), h("div", { class: "muted small" }, job.progress.message || ""));
    const asked = job.answers.length;
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
                    disabled: readOnly !== null,
                    title: readOnly ?? undefined,
                    onclick: () => answer(label, i, asked),
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
          disabled: FINISHED.has(job.state) || job.state === "cancelling" || readOnly !== null,
          title: readOnly ?? undefined,
          onclick: () => act("Cancelling", () => post(`${base}/cancel`)),
        },
        job.state === "cancelling" ? "Cancelling…" : "Cancel job",
      ),
      readOnly ? h("p", { class: "muted small read-only" }, `Answering and cancelling are off: ${readOnly}.`) : null,
    );
    const fact = (k, v) => [h("dt", {}, k), h("dd", {}, v)];
    replace(
      summary,
      fact("type", job.type),
      fact("namespace", job.namespace),
      fact("owner", job.owner ?? "—"),
      fact("attempts", `${job.attempts} of ${job.maxAttempts}`),
      fact("failure policy", job.failurePolicy),
      fact("answers", job.answers.length ? answerLabels(job, transitions).join(", ") : "—"),
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
    if (log) timeline.update((transitions = log.transitions));
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
    json(`${base}/log`).then((log) => timeline.update((transitions = log.transitions))),
    reloadTree(),
  ]);
  drawJob();
  chart.light(job.stateValue, timeline.last, { scroll: true });
  wire.update(job);
}

/**
 * The labels of the buttons the job's answers chose. The view keeps only their indexes; the labels are
 * in the log (each `job.prompt` step carries its prompt, each `job.answer` its button). An answer the
 * log cannot explain (a log cut short, say) is shown by its index.
 */
function answerLabels(job, transitions) {
  const chosen = [];
  let asked = null;
  for (const t of transitions) {
    if (t.event === "job.prompt") asked = t.payload;
    else if (t.event === "job.answer") chosen.push({ button: t.payload?.button, label: asked?.buttons?.[t.payload?.button] });
  }
  // The log's last answers are the job's (aligned from the end, in case the log holds more).
  const offset = chosen.length - job.answers.length;
  return job.answers.map((button, i) => {
    const c = chosen[offset + i];
    return c?.button === button && typeof c.label === "string" ? c.label : `button ${button}`;
  });
}
