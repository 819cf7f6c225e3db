/**
 * The UI's files, embedded in the binary as text. The browser code is plain ES modules that load each
 * other by relative path, so there is nothing to build: what is here is what the browser runs.
 */
import api from "./api.js" with { type: "text" };
import app from "./app.js" with { type: "text" };
import childrenTree from "./children-tree.js" with { type: "text" };
import dom from "./dom.js" with { type: "text" };
import indexHtml from "./index.html" with { type: "text" };
import jobPage from "./job-page.js" with { type: "text" };
import jobsPage from "./jobs-page.js" with { type: "text" };
import machinesPage from "./machines-page.js" with { type: "text" };
import statechart from "./statechart.js" with { type: "text" };
import style from "./style.css" with { type: "text" };
import timeline from "./timeline.js" with { type: "text" };
import wireViews from "./wire-views.js" with { type: "text" };

const JS = "text/javascript; charset=utf-8";

export interface Asset {
  body: string;
  type: string;
}

// bun-types declare every `.html` import as an HTML bundle; imported as text it is a plain string.
export const UI_SHELL: Asset = { body: String(indexHtml), type: "text/html; charset=utf-8" };

export const UI_ASSETS: ReadonlyMap<string, Asset> = new Map([
  ["api.js", { body: api, type: JS }],
  ["app.js", { body: app, type: JS }],
  ["children-tree.js", { body: childrenTree, type: JS }],
  ["dom.js", { body: dom, type: JS }],
  ["job-page.js", { body: jobPage, type: JS }],
  ["jobs-page.js", { body: jobsPage, type: JS }],
  ["machines-page.js", { body: machinesPage, type: JS }],
  ["statechart.js", { body: statechart, type: JS }],
  ["style.css", { body: style, type: "text/css; charset=utf-8" }],
  ["timeline.js", { body: timeline, type: JS }],
  ["wire-views.js", { body: wireViews, type: JS }],
]);
