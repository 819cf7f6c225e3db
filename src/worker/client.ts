import { LeaseLostError, WorkerApiError } from "./errors.ts";
import type { JobError, JobSpec, JobView, PromptOptions, PromptOutcome, WorkerStatus } from "./types.ts";

export interface WorkerClientOptions {
  /** jobd's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** This worker's name: shown in every lease it holds. */
  worker: string;
  /** Extra headers on every call (credentials). */
  headers?: Record<string, string>;
  /** Defaults to the global fetch. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

interface CallOptions {
  signal?: AbortSignal;
  /** Retry network failures and 502/503/504 until this time (ms since epoch). */
  retryUntil?: number;
  /** Retry only when the request surely never reached jobd (connection refused). */
  retryOnlyUnsent?: boolean;
}

const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * One method per worker API call. Errors come back as WorkerApiError; a lease that no longer holds
 * its job as LeaseLostError. Calls that name a lease retry through a jobd restart when given time.
 */
export class WorkerClient {
  readonly worker: string;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly fetcher: (url: string, init: RequestInit) => Promise<Response>;

  constructor(options: WorkerClientOptions) {
    this.base = `${options.url.replace(/\/+$/, "")}/api/v1/workers`;
    this.worker = options.worker;
    this.headers = { "content-type": "application/json", ...options.headers };
    this.fetcher = options.fetch ?? ((url, init) => fetch(url, init));
  }

  async lease(
    types: string[],
    options: { max?: number; waitMs?: number; leaseMs?: number; signal?: AbortSignal } = {},
  ): Promise<JobView[]> {
    const { signal, ...rest } = options;
    const body = await this.call<{ jobs: JobView[] }>("/lease", { worker: this.worker, types, ...rest }, { signal });
    return body.jobs;
  }

  heartbeat(
    id: string,
    lease: string,
    options: { progress?: number; message?: string; leaseMs?: number } = {},
    call: CallOptions = {},
  ): Promise<WorkerStatus> {
    return this.call(`/jobs/${id}/heartbeat`, { lease, ...options }, call);
  }

  prompt(
    id: string,
    lease: string,
    message: string,
    buttons: string[],
    options: PromptOptions & { waitMs?: number; leaseMs?: number } = {},
    call: CallOptions = {},
  ): Promise<PromptOutcome> {
    return this.call(`/jobs/${id}/prompt`, { lease, message, buttons, ...options }, call);
  }

  waitAnswer(
    id: string,
    lease: string,
    index: number,
    options: { waitMs?: number; leaseMs?: number } = {},
    call: CallOptions = {},
  ): Promise<PromptOutcome> {
    return this.call(`/jobs/${id}/prompt/wait`, { lease, index, ...options }, call);
  }

  async addChildren(id: string, lease: string, jobs: JobSpec[], call: CallOptions = {}): Promise<JobView[]> {
    const body = await this.call<{ jobs: JobView[] }>(`/jobs/${id}/children`, { lease, jobs }, { ...call, retryOnlyUnsent: true });
    return body.jobs;
  }

  complete(id: string, lease: string, result: unknown, call: CallOptions = {}): Promise<JobView> {
    return this.call(`/jobs/${id}/complete`, { lease, result: result ?? null }, call);
  }

  fail(id: string, lease: string, error: JobError, retryable = true, call: CallOptions = {}): Promise<JobView> {
    return this.call(`/jobs/${id}/fail`, { lease, error, retryable }, call);
  }

  stopped(id: string, lease: string, call: CallOptions = {}): Promise<JobView> {
    return this.call(`/jobs/${id}/stopped`, { lease }, call);
  }

  private async call<T>(path: string, body: unknown, options: CallOptions): Promise<T> {
    let delay = 100;
    for (;;) {
      let response: Response;
      try {
        response = await this.fetcher(`${this.base}${path}`, {
          method: "POST",
          headers: this.headers,
          body: JSON.stringify(body),
          signal: options.signal,
        });
      } catch (error) {
        if (options.signal?.aborted || !this.mayRetry(options, error)) throw error;
        delay = await pause(delay);
        continue;
      }
      if (response.ok) return (await response.json()) as T;
      if (RETRY_STATUSES.has(response.status) && !options.retryOnlyUnsent && this.mayRetry(options, null)) {
        await response.body?.cancel();
        delay = await pause(delay);
        continue;
      }
      throw await toError(response);
    }
  }

  private mayRetry(options: CallOptions, error: unknown): boolean {
    if (options.retryUntil === undefined || Date.now() >= options.retryUntil) return false;
    if (!options.retryOnlyUnsent) return true;
    const code = (error as { code?: unknown } | null)?.code;
    return code === "ConnectionRefused" || code === "ECONNREFUSED";
  }
}

async function toError(response: Response): Promise<WorkerApiError> {
  let code = "HTTP_" + response.status;
  let message = response.statusText || "request failed";
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // Not a jobd error body; keep the status.
  }
  if (code === "LEASE_EXPIRED" || response.status === 404) return new LeaseLostError(response.status, code, message);
  return new WorkerApiError(response.status, code, message);
}

async function pause(delay: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, delay));
  return Math.min(delay * 2, 2000);
}
