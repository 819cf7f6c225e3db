import { isFinished, type JobView } from "../job-view.ts";
import { CLIENT_OPTIONS, clientFrom, jobPath, JSON_OPTION, UnreachableError, type Client } from "./client.ts";
import { flag, HELP, parse, type Command } from "./command.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import { exitFor, outcome, print } from "./job-output.ts";
import { LiveArea } from "./live-area.ts";
import { readSse } from "./sse.ts";
import { makeStyle } from "./style.ts";
import { askingJob, changeKey, changeLine, renderWatch, type WatchModel } from "./watch-view.ts";

const REFRESH_MS = 2000;
/** How long the server may stay unreachable (a restart, say) before `watch` gives up with exit 3. */
const GIVE_UP_MS = 15_000;
const LOST = "connection lost; reconnecting…";
const CTRL_C = "\x03";

interface ProgressData {
  jobId: string;
  percent: number;
  message: string;
}

interface TransitionData {
  jobId: string;
  state: JobView["state"];
  progress?: { percent: number; message: string };
}

/**
 * Follows one job live until it finishes: a redrawn view on a terminal (keys 1-9 answer a prompt,
 * q detaches), a line per change otherwise, or NDJSON events with `json`. Resolves to the exit code.
 */
export function watchJob(client: Client, id: string, opts: { json: boolean }): Promise<number> {
  const style = makeStyle();
  const tty = process.stdout.isTTY === true && !opts.json;
  const keys = tty && process.stdin.isTTY === true;
  const area = tty ? new LiveArea() : null;
  const abort = new AbortController();
  const seen = new Map<string, string>();
  let model: WatchModel | null = null;
  let renderTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  let ended = false;
  let settle: (code: number) => void = () => {};
  const result = new Promise<number>((resolve) => (settle = resolve));

  const render = () => {
    renderTimer = null;
    if (!model) return;
    if (area) {
      area.draw(renderWatch(model, style, area.width, area.height - 1));
    } else if (!opts.json) {
      for (const j of [model.job, ...model.children]) {
        const key = changeKey(j);
        if (seen.get(j.id) === key) continue;
        seen.set(j.id, key);
        print(changeLine(j, model.job, style));
      }
    }
  };
  const scheduleRender = () => {
    renderTimer ??= setTimeout(render, 30);
  };

  const finish = (code: number, note?: string) => {
    if (ended) return;
    ended = true;
    abort.abort();
    clearInterval(poll);
    if (renderTimer) clearTimeout(renderTimer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (keys) {
      process.stdin.off("data", onKey);
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    if (model) {
      if (area) {
        model.status = "";
        model.keys = false;
        area.draw(renderWatch({ ...model, keys: false }, style, area.width, area.height - 1));
      } else render();
    }
    area?.close();
    if (opts.json && model && isFinished(model.job.state)) print(JSON.stringify({ event: "finished", data: model.job }));
    else if (note) process.stderr.write(`${note}\n`);
    else if (model && !opts.json) print(outcome(model.job, style));
    settle(code);
  };

  const fail = (error: unknown) => {
    if (ended) return;
    const e = error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error), EXIT.UNREACHABLE);
    finish(e.exitCode, `jobd watch: ${e.message}`);
  };

  const refresh = async (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const job = await client.get<JobView>(jobPath(id));
        const children = job.children.length > 0 ? (await client.get<{ jobs: JobView[] }>(jobPath(id, "/children"))).jobs : [];
        model = { job, children, status: model?.status ?? "", keys };
      } while (refreshAgain && !ended);
    })().finally(() => (refreshing = null));
    await refreshing;
    if (model && isFinished(model.job.state)) finish(exitFor(model.job));
    else scheduleRender();
  };
  let unreachableSince: number | null = null;
  /** A dropped stream or a restarting server is waited out for a while; an answer from the server is final. */
  const tolerate = (error: unknown) => {
    if (ended) return;
    const retryable = error instanceof UnreachableError || !(error instanceof CliError);
    unreachableSince ??= Date.now();
    if (!retryable || Date.now() - unreachableSince > GIVE_UP_MS) return fail(error);
    if (model) model.status = style.yellow(LOST);
    scheduleRender();
  };
  const reached = () => {
    unreachableSince = null;
    if (model?.status === style.yellow(LOST)) model.status = "";
  };
  const refreshSoon = () => void refresh().then(reached, tolerate);

  const apply = (jobId: string, patch: (j: JobView) => JobView) => {
    if (!model) return;
    if (model.job.id === jobId) model.job = patch(model.job);
    else model.children = model.children.map((c) => (c.id === jobId ? patch(c) : c));
    scheduleRender();
  };

  const onEvent = (event: string, raw: string) => {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return; // Not ours to understand; the periodic refresh still keeps the view right.
    }
    if (opts.json) print(JSON.stringify({ event, data }));
    if (event === "progress") {
      const d = data as ProgressData;
      apply(d.jobId, (j) => ({ ...j, progress: { percent: d.percent, message: d.message } }));
    } else if (event === "transition") {
      const d = data as TransitionData;
      apply(d.jobId, (j) => ({ ...j, state: d.state, progress: d.progress ?? j.progress }));
      refreshSoon();
    } else if (event === "created") refreshSoon();
  };

  const follow = async () => {
    while (!ended) {
      try {
        const res = await client.send("GET", `/api/v1/events?job=${encodeURIComponent(id)}&children=true`, { signal: abort.signal });
        // Subscribed before the first read, so nothing between the read and the stream is lost.
        await refresh();
        reached();
        if (!res.body) throw new CliError("the event stream has no body", EXIT.SERVER_ERROR);
        for await (const e of readSse(res.body)) {
          if (ended) break;
          onEvent(e.event, e.data);
        }
        // The server closed the stream (it is stopping): count from here.
        if (!ended) tolerate(new UnreachableError("the server closed the event stream"));
      } catch (error) {
        tolerate(error);
      }
      if (!ended) await Bun.sleep(1000);
    }
  };

  const onKey = (chunk: Buffer | string) => {
    const text = chunk.toString();
    if (text.includes(CTRL_C)) return finish(EXIT.INTERRUPTED, "stopped watching; the job carries on");
    if (text === "q" || text === "Q") return finish(EXIT.OK, "stopped watching; the job carries on");
    if (!model) return;
    const ask = askingJob(model);
    const digit = /^[1-9]$/.test(text) ? Number(text) : 0;
    if (!ask?.prompt || digit === 0) return;
    const label = ask.prompt.buttons[digit - 1];
    if (label === undefined) {
      model.status = style.red(`there is no button ${digit}`);
      return scheduleRender();
    }
    const current = model;
    current.status = style.dim(`answering ${JSON.stringify(label)}…`);
    scheduleRender();
    client
      .post<JobView>(jobPath(ask.id, "/answer"), { button: digit - 1 })
      .then(() => {
        current.status = `answered ${JSON.stringify(label)}`;
        refreshSoon();
      })
      .catch((error: unknown) => {
        current.status = style.red(`answer failed: ${error instanceof Error ? error.message : String(error)}`);
        scheduleRender();
      });
  };
  const onSignal = () => finish(EXIT.INTERRUPTED, "stopped watching; the job carries on");

  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (keys) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on("data", onKey);
  }
  // A safety net for anything the stream did not carry (a prompt on a grandchild, a dropped event).
  const poll = setInterval(refreshSoon, REFRESH_MS);
  void follow();
  return result;
}

const options = { ...JSON_OPTION, ...CLIENT_OPTIONS, ...HELP } as const;

export const watch: Command = {
  name: "watch",
  summary: "Follow a job live: progress bar, state, message, children, and its questions.",
  args: "ID",
  complete: "job-id",
  options,
  details: [
    "On a terminal the view is redrawn in place; when the job (or a child) asks a question, press",
    "1-9 to answer it, q to stop watching. Piped, it prints one line per change; --json prints the",
    "server's events as NDJSON, then {\"event\":\"finished\",\"data\":JOB}.",
    "Exits when the job finishes: 0 succeeded, 1 failed or canceled, 130 stopped with Ctrl-C.",
  ].join("\n"),
  async run(argv) {
    const p = parse(watch, argv, { min: 1, max: 1 });
    const client = clientFrom(p);
    // Fail fast with exit 3 on a bad id, before taking the terminal over.
    await client.get<JobView>(jobPath(p.positionals[0]!));
    return watchJob(client, p.positionals[0]!, { json: flag(p, "json") });
  },
};
