// The transition log as a timeline. Choosing a step replays the machine as it was after that step.
import { h, pretty, replace, time } from "./dom.js";

export function createTimeline(onChoose) {
  let steps = [];
  let chosen = null; // null: live
  const slider = h("input", { type: "range", min: 0, max: 0, value: 0, class: "scrub", "aria-label": "scrub the timeline" });
  const banner = h("div", { class: "replay-banner", hidden: true });
  const list = h("ol", { class: "timeline" });
  const el = h("div", {}, h("div", { class: "scrub-row" }, slider), banner, list);

  slider.addEventListener("input", () => choose(Number(slider.value)));

  function choose(index) {
    chosen = index >= steps.length - 1 ? null : index;
    draw();
    onChoose(chosen === null ? null : steps[chosen]);
  }

  function draw() {
    const at = chosen ?? steps.length - 1;
    slider.max = String(Math.max(0, steps.length - 1));
    slider.value = String(at);
    banner.hidden = chosen === null;
    if (chosen !== null) {
      const s = steps[chosen];
      replace(
        banner,
        `Replaying step ${s.seq} of ${steps.length}: the machine after ${s.event}. `,
        h("button", { type: "button", class: "small", onclick: () => choose(steps.length - 1) }, "Back to live"),
      );
    }
    replace(
      list,
      steps.map((s, i) =>
        h(
          "li",
          { class: i === at ? "chosen" : "", dataset: { seq: s.seq, to: s.to } },
          h(
            "button",
            { type: "button", class: "step", onclick: () => choose(i), "aria-label": `step ${s.seq}: ${s.event}` },
            h("span", { class: "seq" }, `#${s.seq}`),
            h("span", { class: "event mono" }, s.event),
            h("span", { class: "move mono" }, `${s.from || "∅"} → ${s.to}`),
            h("span", { class: "at muted small" }, time(s.at)),
          ),
          s.payload !== null && s.payload !== undefined ? h("pre", { class: "payload" }, pretty(s.payload)) : null,
        ),
      ),
    );
    // Keep the chosen step (the latest one, when live) in view inside the list, without moving the page.
    const row = list.querySelector("li.chosen");
    if (row) list.scrollTop = Math.max(0, row.offsetTop - list.clientHeight + row.offsetHeight + 8);
  }

  return {
    el,
    /** New log from the server; a replay stays on its step, live follows the last one. */
    update(next) {
      steps = next;
      if (chosen !== null && chosen >= steps.length) chosen = null;
      draw();
    },
    get replaying() {
      return chosen === null ? null : steps[chosen];
    },
    get last() {
      return steps[steps.length - 1] ?? null;
    },
  };
}
