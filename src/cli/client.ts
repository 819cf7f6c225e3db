import type { Options, Parsed } from "./command.ts";
import { CliError, EXIT, usageError } from "./exit-codes.ts";

export const DEFAULT_URL = "http://127.0.0.1:8080";

/** Flags every command that talks to a server takes. */
export const CLIENT_OPTIONS: Options = {
  url: { type: "string", value: "URL", help: `the jobd server (default ${DEFAULT_URL})`, env: "JOBD_URL" },
  token: { type: "string", value: "TOKEN", help: "API token, sent as Authorization: Bearer", env: "JOBD_TOKEN" },
};

/** `--json` for commands that read: the API's own JSON instead of a table. */
export const JSON_OPTION: Options = {
  json: { type: "boolean", help: "print JSON for scripts instead of a human view" },
};

export interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The server did not answer at all (refused, reset, DNS): worth a retry for a long-running command. */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.UNREACHABLE);
  }
}

interface ApiError {
  error?: { code?: string; message?: string };
}

/**
 * A thin client for the native API. Failures become CliErrors with the exit code scripts rely on:
 * a refused request is 2, not found / not allowed / unreachable is 3, a server failure is 4.
 */
export class Client {
  readonly baseUrl: string;

  constructor(
    url: string,
    readonly token: string | undefined,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw usageError(`--url is not a URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw usageError(`--url must be http:// or https://, not ${JSON.stringify(url)}`);
    }
    this.baseUrl = parsed.href.replace(/\/+$/, "");
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  /** Sends a request; any answer other than 2xx throws a CliError. */
  async send(method: string, path: string, init: SendOptions = {}): Promise<Response> {
    const { body, headers = {}, signal } = init;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        signal,
        headers: this.headers({ ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const code = (error as { code?: unknown }).code;
      const why = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
      throw new UnreachableError(`cannot reach jobd at ${this.baseUrl}: ${why}`);
    }
    if (res.ok) return res;
    const failure = await toCliError(res);
    const job = /^\/api\/v1\/jobs\/([^/?]+)/.exec(path);
    if (res.status === 404 && job) return Promise.reject(new CliError(`job ${decodeURIComponent(job[1]!)} not found`, EXIT.UNREACHABLE));
    throw failure;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, { body });
    try {
      return (await res.json()) as T;
    } catch {
      throw new CliError(`jobd answered ${method} ${path} with something that is not JSON`, EXIT.SERVER_ERROR);
    }
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>("GET", path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.json<T>("POST", path, body);
  }
}

async function toCliError(res: Response): Promise<CliError> {
  let message = `HTTP ${res.status}`;
  let code: string | undefined;
  try {
    const body = (await res.json()) as ApiError;
    if (body.error?.message) message = body.error.message;
    code = body.error?.code;
  } catch {
    // Not our envelope (a proxy, say): the status says enough.
  }
  if (res.status === 404 || res.status === 401 || res.status === 403) return new CliError(message, EXIT.UNREACHABLE, false, code);
  if (res.status >= 400 && res.status < 500) return new CliError(message, EXIT.USAGE, false, code);
  return new CliError(`jobd failed: ${message}`, EXIT.SERVER_ERROR);
}

/** The client for a parsed command line: flag, then environment, then the default. */
export function clientFrom(p: Parsed, env: Record<string, string | undefined> = process.env): Client {
  const url = (typeof p.values.url === "string" ? p.values.url : undefined) ?? env.JOBD_URL ?? DEFAULT_URL;
  const token = (typeof p.values.token === "string" ? p.values.token : undefined) ?? env.JOBD_TOKEN;
  return new Client(url, token || undefined);
}

/** Job ids go into paths; anything odd in them is the server's to reject, but never a path trick. */
export const jobPath = (id: string, rest = ""): string => `/api/v1/jobs/${encodeURIComponent(id)}${rest}`;
