// A job's statechart: the SVG jobd draws for its kind, with the current (or replayed) state lit.
import { request } from "./api.js";
import { h } from "./dom.js";

const LIFECYCLE = "job";

/** The drawing jobd serves is its own SVG; it is parsed as XML, never as HTML. */
export async function loadSvg(path) {
  const res = await request(path);
  if (!res.ok) throw new Error(`could not load the statechart (HTTP ${res.status})`);
  const doc = new DOMParser().parseFromString(await res.text(), "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.nodeName !== "svg") throw new Error("the statechart is not an SVG");
  return document.importNode(svg, true);
}

const nodeIdOf = (stateValue) => (stateValue ? `${LIFECYCLE}.${stateValue}` : null);
const holds = (outer, inner) => inner === outer || inner.startsWith(`${outer}.`);

/**
 * The edge a logged transition took: its source holds the `from` state and its target holds `to`.
 * An edge carrying the logged event wins; failing that (an eventless `always` step ran after the
 * event), an `always` edge; then the edge drawn from the innermost state.
 */
function takenEdges(svg, transition) {
  const from = nodeIdOf(transition.from);
  const to = nodeIdOf(transition.to);
  const candidates = [...svg.querySelectorAll(".sc-edge")].filter(
    (e) => holds(e.dataset.source, from) && holds(e.dataset.target, to),
  );
  const byEvent = candidates.filter((e) => e.dataset.events.split(" ").includes(transition.event));
  const always = candidates.filter((e) => e.classList.contains("sc-kind-always"));
  const pool = byEvent.length ? byEvent : always.length ? always : candidates;
  const depth = (e) => e.dataset.source.split(".").length;
  const deepest = Math.max(...pool.map(depth));
  return pool.filter((e) => depth(e) === deepest);
}

export function createStatechart() {
  let svg = null;
  let fit = false;
  const body = h("div", { class: "chart-body" });
  const toggle = h("button", { type: "button", class: "secondary small", onclick: () => setFit(!fit) }, "Fit to width");
  const tools = h("span", { class: "chart-tools" }, toggle);
  const el = h("div", { class: "chart" }, body);

  function setFit(on) {
    fit = on;
    toggle.textContent = on ? "Actual size" : "Fit to width";
    el.classList.toggle("fit", on);
  }

  /** Lights the state `stateValue` (`running.waiting`) and, when given, the edge a transition took. */
  function light(stateValue, transition, { scroll = false } = {}) {
    if (!svg) return;
    for (const n of svg.querySelectorAll(".sc-lit")) n.classList.remove("sc-lit", "sc-current");
    for (const e of svg.querySelectorAll(".sc-taken")) e.classList.remove("sc-taken");
    const current = nodeIdOf(stateValue);
    if (!current) return;
    let leaf = null;
    for (const n of svg.querySelectorAll(`.sc-node[data-machine="${LIFECYCLE}"]`)) {
      const id = n.dataset.node;
      if (id === LIFECYCLE || !holds(id, current)) continue;
      n.classList.add("sc-lit");
      if (id === current) leaf = n;
    }
    leaf?.classList.add("sc-current");
    if (transition?.from) for (const e of takenEdges(svg, transition)) e.classList.add("sc-taken");
    if (leaf && !fit && (scroll || !visible(leaf))) centre(leaf);
  }

  function visible(node) {
    const box = node.getBBox();
    return (
      box.x >= body.scrollLeft &&
      box.y >= body.scrollTop &&
      box.x + box.width <= body.scrollLeft + body.clientWidth &&
      box.y + box.height <= body.scrollTop + body.clientHeight
    );
  }

  function centre(node) {
    const box = node.getBBox();
    body.scrollTo({
      left: Math.max(0, box.x + box.width / 2 - body.clientWidth / 2),
      top: Math.max(0, box.y + box.height / 2 - body.clientHeight / 2),
    });
  }

  async function load(path) {
    svg = await loadSvg(path);
    body.replaceChildren(svg);
  }

  return { el, tools, load, light, setFit };
}
