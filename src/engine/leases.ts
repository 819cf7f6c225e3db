/**
 * Leases: how external workers hold jobs.
 *
 * A worker leases queued jobs of the types it serves. The lease (id, worker, expiry) is stored in the
 * job's row, so it survives a restart and its expiry fires from the deadline column like every other
 * deadline; the lifecycle machine then puts the job back in the queue (an attempt used, backoff
 * honoured) or fails it when no attempts remain. Every later call names the lease: a call whose lease
 * is not the job's current, unexpired one is refused with LEASE_EXPIRED and changes nothing.
 *
 * Each check runs in the same synchronous step as the write it guards. The write connection
 * serializes every change, so two workers never hold the same job and a late call never undoes what
 * happened after its lease ended.
 */
import { JobdError, notFound } from "../errors.ts";
import type { JobError, JobSpec, JobView, Lease, Prompt } from "../job-view.ts";
import type { JobRecord } from "../store/index.ts";
import type { Engine } from "./engine.ts";
import {
  LEASE_LIMITS,
  type HeartbeatRequest,
  type LeaseRequest,
  type PromptOutcome,
  type PromptRequest,
  type WorkerStatus,
} from "./lease-types.ts";
import { longPoll } from "./long-poll.ts";

interface Scope {
  types: string[];
  namespaces: string[] | null;
}

export class Leases {
  /** Aborted by close(): long polls answer at once, as if their wait had run out. */
  private readonly closing = new AbortController();

  constructor(
    private readonly engine: Engine,
    private readonly defaultLeaseMs = 60_000,
  ) {}

  /** Ends every long poll now and makes later ones answer at once (jobd is shutting down). */
  close(): void {
    this.closing.abort();
  }

  /** Leases up to `max` queued jobs of the given types, waiting up to `waitMs` for one to arrive. */
  async lease(request: LeaseRequest): Promise<JobView[]> {
    const leaseMs = this.leaseMsOf(request.leaseMs);
    const waitMs = clamp(request.waitMs, 0, LEASE_LIMITS.maxWaitMs);
    const max = clamp(request.max, 1, LEASE_LIMITS.maxJobs);
    const types = [...new Set(request.types)];
    if (types.length === 0) throw new JobdError("BAD_REQUEST", "name at least one job type to lease");
    const scope = { types, namespaces: request.namespaces ?? null };
    if (scope.namespaces?.length === 0) return [];
    let taken = this.take(request.worker, scope, max, leaseMs);
    const signal = this.untilClosed(request.signal);
    if (taken.length === 0 && waitMs > 0 && !signal.aborted) {
      taken = await this.awaitWork(scope, waitMs, signal, () => this.take(request.worker, scope, max, leaseMs));
    }
    await this.engine.store.committed();
    // The worker does the work: it gets the input as stored, credentials in it included (views redact them).
    return taken
      .map((id) => this.engine.get(id))
      .filter((v): v is JobView => v !== undefined)
      .map((v) => ({ ...v, input: this.engine.getRecord(v.id)?.input ?? v.input }));
  }

  /** Extends the lease; progress and message are recorded when given. */
  async heartbeat(jobId: string, leaseId: string, request: HeartbeatRequest = {}): Promise<WorkerStatus> {
    const record = this.hold(jobId, leaseId);
    this.extend(record, this.leaseMsOf(request.leaseMs));
    const pending: Promise<unknown>[] = [];
    if (request.progress !== undefined || request.message !== undefined) {
      pending.push(this.engine.send(jobId, { type: "job.progress", percent: request.progress, message: request.message }));
    }
    await Promise.all(pending);
    await this.engine.store.committed();
    return this.status(jobId);
  }

  /**
   * Opens a prompt and waits for its answer. Asking again what is already open (a retried call) waits
   * for the open prompt instead of asking twice. The lease is held for the whole wait.
   */
  async prompt(jobId: string, leaseId: string, request: PromptRequest): Promise<PromptOutcome> {
    const record = this.hold(jobId, leaseId);
    checkPrompt(request);
    const index = record.answers.length;
    const pending: Promise<unknown>[] = [];
    if (record.state === "waiting") {
      if (!samePrompt(record.prompt, request)) {
        throw new JobdError("CONFLICT", "another prompt is open; wait for its answer first");
      }
    } else if (record.stateValue === "running.working") {
      const { message, buttons, defaultButton, timeoutMs } = request;
      pending.push(this.engine.send(jobId, { type: "job.prompt", prompt: { message, buttons, defaultButton, timeoutMs } }));
    }
    const waitMs = clamp(request.waitMs, 0, LEASE_LIMITS.maxWaitMs);
    this.extend(this.engine.latest(jobId) ?? record, waitMs + this.leaseMsOf(request.leaseMs));
    await Promise.all(pending);
    return this.awaitAnswer(jobId, leaseId, index, waitMs, this.leaseMsOf(request.leaseMs), request.signal);
  }

  /** Waits for the answer to prompt `index` (one the worker asked before). */
  async waitAnswer(
    jobId: string,
    leaseId: string,
    request: { index: number; waitMs: number; leaseMs?: number; signal?: AbortSignal },
  ): Promise<PromptOutcome> {
    const record = this.hold(jobId, leaseId);
    const open = record.state === "waiting" ? record.answers.length : -1;
    if (!Number.isInteger(request.index) || request.index < 0 || (request.index >= record.answers.length && request.index !== open)) {
      throw new JobdError("CONFLICT", `prompt ${request.index} was never asked`);
    }
    const waitMs = clamp(request.waitMs, 0, LEASE_LIMITS.maxWaitMs);
    this.extend(record, waitMs + this.leaseMsOf(request.leaseMs));
    return this.awaitAnswer(jobId, leaseId, request.index, waitMs, this.leaseMsOf(request.leaseMs), request.signal);
  }

  /** Creates sub-jobs under the leased job. */
  async addChildren(jobId: string, leaseId: string, specs: JobSpec[]): Promise<JobView[]> {
    const record = this.hold(jobId, leaseId);
    if (specs.length === 0) throw new JobdError("BAD_REQUEST", "give at least one sub-job");
    return this.engine.addChildren(jobId, specs, { owner: record.owner });
  }

  /** The work is done. A job with unfinished children waits for them, without a lease. */
  async complete(jobId: string, leaseId: string, result: unknown): Promise<JobView> {
    this.hold(jobId, leaseId);
    const sent = this.engine.send(jobId, { type: "job.succeed", result: result ?? null });
    this.release(jobId);
    await sent;
    return this.view(jobId);
  }

  /** The attempt failed. It is retried when `retryable` is not false and attempts remain. */
  async fail(jobId: string, leaseId: string, error: JobError, retryable = true): Promise<JobView> {
    this.hold(jobId, leaseId);
    const sent = this.engine.send(jobId, { type: "job.fail", error, retryable });
    this.release(jobId);
    await sent;
    return this.view(jobId);
  }

  /** The worker stopped after a cancel request: the job ends `canceled`. */
  async stopped(jobId: string, leaseId: string): Promise<JobView> {
    const record = this.hold(jobId, leaseId);
    if (record.state !== "cancelling") throw new JobdError("CONFLICT", "no cancel was requested; fail or complete the job instead");
    await this.engine.send(jobId, { type: "job.stopped" });
    return this.view(jobId);
  }

  // ---- inside the write step ----------------------------------------------------------------------

  /** Leases what is queued now. Synchronous: the state check and the write are one step. */
  private take(worker: string, scope: Scope, max: number, leaseMs: number): string[] {
    const now = this.engine.now();
    const taken: string[] = [];
    for (const id of this.engine.store.findLeasable(now, scope.types, scope.namespaces, max)) {
      const record = this.engine.latest(id);
      if (!record || record.state !== "queued" || record.inProcess || record.runAt > now) continue;
      const lease: Lease = { id: crypto.randomUUID(), worker, expiresAt: now + leaseMs };
      // The lease goes in first so that the start transition (and its event) already carries it.
      this.engine.patch(id, () => ({ lease }));
      this.engine.send(id, { type: "job.start" }).catch(() => {});
      if (this.engine.latest(id)?.lease?.id === lease.id) taken.push(id);
      else if (this.engine.latest(id)?.state === "queued") this.engine.patch(id, () => ({ lease: null }));
    }
    return taken;
  }

  /** The job's record when `leaseId` is its current, unexpired lease; LEASE_EXPIRED otherwise. */
  private hold(jobId: string, leaseId: string): JobRecord {
    const record = this.engine.latest(jobId);
    if (!record) throw notFound();
    const lease = record.lease;
    if (!lease || lease.id !== leaseId) {
      throw new JobdError("LEASE_EXPIRED", `this lease no longer holds the job (the job is ${record.state}); drop the work`);
    }
    if (lease.expiresAt <= this.engine.now()) {
      throw new JobdError("LEASE_EXPIRED", "the lease expired; the job goes back to the queue or fails; drop the work");
    }
    return record;
  }

  private extend(record: JobRecord, ms: number): void {
    const lease = record.lease;
    if (!lease) return;
    this.engine.patch(record.id, (r) => (r.lease?.id === lease.id ? { lease: { ...lease, expiresAt: this.engine.now() + ms } } : {}));
  }

  /** A job that did not finish (it waits for its children) keeps no lease that could expire. */
  private release(jobId: string): void {
    const after = this.engine.latest(jobId);
    if (after?.lease && after.state === "running") this.engine.patch(jobId, () => ({ lease: null }));
  }

  // ---- waiting ------------------------------------------------------------------------------------

  private async awaitWork(scope: Scope, waitMs: number, signal: AbortSignal, take: () => string[]): Promise<string[]> {
    const wanted = new Set(scope.types);
    const where = scope.namespaces ? new Set(scope.namespaces) : null;
    let taken: string[] = [];
    await longPoll(waitMs, signal, (done) => {
      const onJob = ({ job }: { job: JobRecord }) => {
        if (job.inProcess || !wanted.has(job.type) || (where && !where.has(job.namespace)) || signal.aborted) return;
        taken = take();
        if (taken.length > 0) done();
      };
      return [this.engine.bus.on("job:created", onJob), this.engine.bus.on("job:queued", onJob)];
    });
    return taken;
  }

  private async awaitAnswer(
    jobId: string,
    leaseId: string,
    index: number,
    waitMs: number,
    leaseMs: number,
    signal?: AbortSignal,
  ): Promise<PromptOutcome> {
    const settled = (r: JobRecord | undefined) =>
      !r || r.answers.length > index || r.state !== "waiting" || r.lease?.id !== leaseId;
    if (!settled(this.engine.latest(jobId))) {
      await longPoll(waitMs, this.untilClosed(signal), (done) => [
        this.engine.bus.on("job:transition", ({ job }) => job.id === jobId && settled(job) && done()),
        this.engine.bus.on("job:deleted", (e) => e.id === jobId && done()),
      ]);
    }
    // The wait is over: the lease lasts its usual time from now, not the rest of the long poll.
    const after = this.engine.latest(jobId);
    if (after?.lease?.id === leaseId) this.extend(after, leaseMs);
    await this.engine.store.committed();
    const status = this.status(jobId);
    const button = status.answers[index];
    return { ...status, index, answered: button !== undefined, button: button ?? null };
  }

  // ---- views --------------------------------------------------------------------------------------

  private status(jobId: string): WorkerStatus {
    const r = this.engine.latest(jobId);
    if (!r) throw notFound();
    const view = this.engine.viewOf(r);
    return {
      id: r.id,
      state: r.state,
      lease: r.lease,
      cancelRequested: r.cancelRequestedAt !== null,
      progress: view.progress,
      prompt: view.prompt,
      answers: r.answers,
    };
  }

  private view(jobId: string): JobView {
    const view = this.engine.get(jobId);
    if (!view) throw notFound();
    return view;
  }

  private untilClosed(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
  }

  private leaseMsOf(ms: number | undefined): number {
    if (ms === undefined) return this.defaultLeaseMs;
    if (!Number.isFinite(ms) || ms < LEASE_LIMITS.minMs || ms > LEASE_LIMITS.maxMs) {
      throw new JobdError("BAD_REQUEST", `leaseMs must be ${LEASE_LIMITS.minMs}-${LEASE_LIMITS.maxMs}`);
    }
    return Math.round(ms);
  }
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : min;
}

function checkPrompt(request: PromptRequest): void {
  if (request.buttons.length === 0) throw new JobdError("BAD_REQUEST", "a prompt needs at least one button");
  const d = request.defaultButton;
  if (d !== undefined && (!Number.isInteger(d) || d < 0 || d >= request.buttons.length)) {
    throw new JobdError("BAD_REQUEST", `defaultButton must be an index from 0 to ${request.buttons.length - 1}`);
  }
}

function samePrompt(open: Prompt | null, asked: PromptRequest): boolean {
  return (
    open !== null &&
    open.message === asked.message &&
    open.buttons.length === asked.buttons.length &&
    open.buttons.every((b, i) => b === asked.buttons[i])
  );
}
