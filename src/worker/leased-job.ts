import type { WorkerClient } from "./client.ts";
import { CancelRequestedError, LeaseLostError } from "./errors.ts";
import type { JobError, JobSpec, JobView, PromptOptions, PromptOutcome, WorkerStatus } from "./types.ts";

export interface LeasedJobOptions {
  leaseMs: number;
  heartbeatMs: number;
  /** Long poll for prompt answers. */
  promptWaitMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * A job this worker holds. It heartbeats on its own while held; `signal` aborts when a cancel is
 * requested (reason: CancelRequestedError) or the lease is lost (reason: LeaseLostError).
 */
export class LeasedJob {
  readonly id: string;
  readonly type: string;
  readonly input: unknown;
  readonly attempt: number;
  readonly leaseId: string;
  /** The job as it was leased. */
  readonly view: JobView;
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Local time the lease runs out if no heartbeat gets through. */
  private expiresAt: number;
  private settledAs: "completed" | "failed" | "stopped" | null = null;
  private cancel = false;
  private lost = false;

  constructor(
    private readonly client: WorkerClient,
    view: JobView,
    private readonly options: LeasedJobOptions,
  ) {
    if (!view.lease) throw new Error("the job carries no lease");
    this.view = view;
    this.id = view.id;
    this.type = view.type;
    this.input = view.input;
    this.attempt = view.attempts;
    this.leaseId = view.lease.id;
    this.signal = this.controller.signal;
    this.expiresAt = Date.now() + options.leaseMs;
  }

  get cancelRequested(): boolean {
    return this.cancel;
  }

  get leaseLost(): boolean {
    return this.lost;
  }

  get settled(): boolean {
    return this.settledAs !== null;
  }

  /** Reports progress (percent 0..100, never lower than before) and an optional message. */
  async progress(percent?: number, message?: string): Promise<WorkerStatus> {
    return this.beat({ progress: percent, message });
  }

  /** Asks a question and resolves with the index of the button someone chose. */
  async prompt(message: string, buttons: string[], options: PromptOptions = {}): Promise<number> {
    const waitMs = this.options.promptWaitMs ?? 30_000;
    let outcome: PromptOutcome = await this.guard(() =>
      this.client.prompt(this.id, this.leaseId, message, buttons, { ...options, waitMs, leaseMs: this.options.leaseMs }, this.retry()),
    );
    for (;;) {
      this.observe(outcome);
      if (outcome.answered && outcome.button !== null) return outcome.button;
      if (this.cancel) throw new CancelRequestedError();
      if (outcome.state !== "waiting") throw this.loseLease("the prompt was closed without an answer");
      const index = outcome.index;
      outcome = await this.guard(() =>
        this.client.waitAnswer(this.id, this.leaseId, index, { waitMs, leaseMs: this.options.leaseMs }, this.retry()),
      );
    }
  }

  /** Creates sub-jobs under this job; completing it then waits for them. */
  spawn(jobs: JobSpec[]): Promise<JobView[]> {
    return this.guard(() => this.client.addChildren(this.id, this.leaseId, jobs, this.retry()));
  }

  complete(result?: unknown): Promise<JobView> {
    return this.settle("completed", () => this.client.complete(this.id, this.leaseId, result, this.retry()));
  }

  fail(error: JobError, retryable = true): Promise<JobView> {
    return this.settle("failed", () => this.client.fail(this.id, this.leaseId, error, retryable, this.retry()));
  }

  /** Acknowledges a cancel request: the job ends `canceled`. */
  stopped(): Promise<JobView> {
    return this.settle("stopped", () => this.client.stopped(this.id, this.leaseId, this.retry()));
  }

  // ---- heartbeats -------------------------------------------------------------------------------

  /** Starts heartbeating every `heartbeatMs` until the job is settled or the lease is lost. */
  startHeartbeats(): void {
    this.schedule(this.options.heartbeatMs);
  }

  stopHeartbeats(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.stopHeartbeats();
    if (this.settled || this.lost) return;
    this.timer = setTimeout(() => {
      this.beat().then(
        () => this.schedule(this.options.heartbeatMs),
        (error) => {
          if (error instanceof LeaseLostError) return;
          this.options.onError?.(error);
          // jobd may be restarting: try again soon, while the lease may still be held.
          this.schedule(Math.min(this.options.heartbeatMs, 500));
        },
      );
    }, ms);
  }

  private async beat(change: { progress?: number; message?: string } = {}): Promise<WorkerStatus> {
    const status = await this.guard(() =>
      this.client.heartbeat(this.id, this.leaseId, { ...change, leaseMs: this.options.leaseMs }, change.progress !== undefined || change.message !== undefined ? this.retry() : {}),
    );
    this.observe(status);
    return status;
  }

  private observe(status: WorkerStatus): void {
    if (status.lease?.id === this.leaseId) this.expiresAt = Date.now() + this.options.leaseMs;
    if (status.cancelRequested && !this.cancel) {
      this.cancel = true;
      this.controller.abort(new CancelRequestedError());
    }
  }

  // ---- lease bookkeeping ------------------------------------------------------------------------

  private async settle(as: "completed" | "failed" | "stopped", call: () => Promise<JobView>): Promise<JobView> {
    if (this.settledAs) throw new Error(`the job was already ${this.settledAs}`);
    this.settledAs = as;
    this.stopHeartbeats();
    try {
      return await this.guard(call);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) this.settledAs = null;
      throw error;
    }
  }

  /** Runs a call; a lost lease aborts the job's signal before the error goes on. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof LeaseLostError) this.markLost(error);
      throw error;
    }
  }

  private loseLease(message: string): LeaseLostError {
    const error = new LeaseLostError(409, "LEASE_EXPIRED", message);
    this.markLost(error);
    return error;
  }

  private markLost(error: LeaseLostError): void {
    if (this.lost) return;
    this.lost = true;
    this.stopHeartbeats();
    if (!this.controller.signal.aborted) this.controller.abort(error);
  }

  /** Calls that name the lease retry through a jobd restart until the lease would have run out. */
  private retry(): { retryUntil: number } {
    return { retryUntil: this.expiresAt };
  }
}
