/** Runs the compiled `jobd` as a subprocess, the way a person or a script would. */
import { spawnSync } from "node:child_process";
import type { JobView } from "../../src/job-view.ts";
import { BINARY } from "../helpers/target.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  url?: string;
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
}

export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const proc = Bun.spawn([BINARY, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      ...(options.url ? { JOBD_URL: options.url } : {}),
      ...options.env,
    },
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Makes sure a command-line tool is there, installing its Debian package when the tests run as root. */
export function ensureTool(tool: string, pkg = tool): string {
  const found = Bun.which(tool);
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(`${tool} is needed: apt-get install -y ${pkg}`);
  const install = () => spawnSync("apt-get", ["install", "-y", "-q", pkg], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status;
  if (install() !== 0) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "ignore" });
    install();
  }
  const installed = Bun.which(tool);
  if (!installed) throw new Error(`could not install ${pkg}`);
  return installed;
}

/** A script job: progress steps, sleeps, prompts, an ending. */
export const script = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ type: "script", input: { steps }, ...extra });

/** The server's native API, for the tests' own setup and checks (not through the CLI). */
export const serverApi = (url: () => string) => {
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => (await fetch(`${url()}${path}`, init)).json() as Promise<T>;
  const waitFor = async (id: string, until: (j: JobView) => boolean): Promise<JobView> => {
    for (let i = 0; i < 500; i++) {
      const job = await api<JobView>(`/api/v1/jobs/${id}`);
      if (until(job)) return job;
      await Bun.sleep(20);
    }
    throw new Error(`job ${id} never got there`);
  };
  return { api, waitFor };
};
