/** `jobd completion bash|zsh`: the scripts parse, and completing in a real shell offers the right words. */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, startBinary, type RunningBinary } from "../helpers/target.ts";
import { cli, ensureTool } from "./run-cli.ts";

// Each test starts binaries and subprocesses; a loaded machine needs more than the 5 s default.
setDefaultTimeout(30_000);

let server: RunningBinary;
let bin: string;
let jobId: string;

beforeAll(async () => {
  server = await startBinary();
  bin = join(server.dir, "bin");
  mkdirSync(bin);
  symlinkSync(BINARY, join(bin, "jobd"));
  jobId = (await cli(["submit", "some-queue"], { url: server.url })).stdout.trim();
});
afterAll(async () => {
  await server.stop();
  rmSync(server.dir, { recursive: true, force: true });
});

describe("bash", () => {
  let scriptPath: string;
  beforeAll(async () => {
    const r = await cli(["completion", "bash"]);
    expect(r.code).toBe(0);
    scriptPath = join(server.dir, "jobd.bash");
    writeFileSync(scriptPath, r.stdout);
  });

  /** Completes the last word of `line` the way bash would on Tab, and returns the offers. */
  const complete = (...words: string[]): string[] => {
    const program = [
      `source ${scriptPath}`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
      `COMP_CWORD=${words.length - 1}`,
      "_jobd",
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join("\n");
    const r = Bun.spawnSync(["bash", "-c", program], {
      cwd: server.dir,
      env: { PATH: `${bin}:/usr/bin:/bin`, JOBD_URL: server.url, HOME: server.dir },
    });
    return r.stdout.toString().split("\n").filter(Boolean);
  };

  test("the script parses", () => {
    expect(Bun.spawnSync(["bash", "-n", scriptPath]).exitCode).toBe(0);
  });

  test("commands, flags and flag values", () => {
    expect(complete("jobd", "")).toEqual(expect.arrayContaining(["submit", "ls", "show", "watch", "answer", "cancel", "logs", "machines", "migrate", "backup", "completion", "version", "serve"]));
    expect(complete("jobd", "s")).toEqual(["serve", "submit", "show"]);
    expect(complete("jobd", "submit", "--w")).toEqual(["--wait", "--watch"]);
    expect(complete("jobd", "ls", "--state", "c")).toEqual(["cancelling", "canceled"]);
    expect(complete("jobd", "machines", "export", "x", "--format", "")).toEqual(["json", "mermaid", "svg"]);
    expect(complete("jobd", "completion", "")).toEqual(["bash", "zsh"]);
    expect(complete("jobd", "machines", "")).toEqual(["ls", "export"]);
  });

  test("job ids come from the server; a value-taking flag does not count as the argument", () => {
    expect(complete("jobd", "show", jobId.slice(0, 20))).toEqual([jobId]);
    expect(complete("jobd", "watch", "--url", server.url, "")).toContain(jobId);
    expect(complete("jobd", "show", jobId, "")).toEqual([]);
  });

  test("@file after --input", () => {
    expect(complete("jobd", "submit", "x", "--input", "@jobd.ba")).toEqual(["@jobd.bash"]);
  });
});

describe("zsh", () => {
  let zsh: string;
  let tmux: string;
  const socket = `jobd-zsh-test-${process.pid}`;
  beforeAll(async () => {
    zsh = ensureTool("zsh");
    tmux = ensureTool("tmux");
    const r = await cli(["completion", "zsh"]);
    expect(r.code).toBe(0);
    mkdirSync(join(server.dir, "zfunc"));
    writeFileSync(join(server.dir, "zfunc", "_jobd"), r.stdout);
  });
  afterAll(() => {
    Bun.spawnSync([tmux, "-L", socket, "kill-server"]);
  });

  test("the script parses", () => {
    expect(Bun.spawnSync([zsh, "-n", join(server.dir, "zfunc", "_jobd")]).exitCode).toBe(0);
  });

  test("Tab completes commands and job ids in an interactive zsh", async () => {
    const env = `env -i HOME=${server.dir} TERM=xterm PATH=${bin}:/usr/bin:/bin JOBD_URL=${server.url}`;
    Bun.spawnSync([tmux, "-L", socket, "new-session", "-d", "-s", "z", "-x", "150", "-y", "10", `${env} ${zsh} -f`]);
    const keys = (...k: string[]) => Bun.spawnSync([tmux, "-L", socket, "send-keys", "-t", "z", ...k]);
    const screen = () => Bun.spawnSync([tmux, "-L", socket, "capture-pane", "-p", "-t", "z"]).stdout.toString();
    const until = async (pred: (s: string) => boolean, what: string) => {
      for (let i = 0; i < 200; i++) {
        if (pred(screen())) return;
        await Bun.sleep(50);
      }
      throw new Error(`zsh never showed ${what}:\n${screen()}`);
    };
    keys(`PS1='%% '; fpath=(${join(server.dir, "zfunc")} $fpath); autoload -U compinit; compinit -u; clear`, "Enter");
    await until((s) => s.trim() === "%", "a clean prompt");
    keys("jobd wat", "Tab");
    await until((s) => /% jobd watch\s*$/m.test(s), "`watch` completed");
    keys(jobId.slice(0, 20), "Tab");
    await until((s) => s.includes(`% jobd watch ${jobId}`), "the job id completed");
    keys("C-u", "jobd ls --state ", "Tab");
    await until((s) => s.includes("cancelling") && s.includes("succeeded"), "the states offered");
  });
});
