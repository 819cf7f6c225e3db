import { createActor, type AnyActor, type AnyMachineSnapshot, type InspectionEvent, type Snapshot } from "xstate";

/** The timer interface XState actors take (`SimulatedClock` in tests). */
type MachineClock = NonNullable<Parameters<typeof createActor>[1]> extends infer O
  ? O extends { clock?: infer C }
    ? NonNullable<C>
    : never
  : never;
import type { ChildEnd, JobContext, JobEvent, KindDefinition } from "../../machines/index.ts";
import { JobdError, notFound } from "../errors.ts";
import { isFinished, type JobSpec, type JobView, type Transition } from "../job-view.ts";
import { stillDamaged, type CheckpointStatus, type JobFilter, type JobRecord, type SnapshotSource, type Store } from "../store/index.ts";
import { BIRTH_SNAPSHOT, BirthSnapshots, jobInputOf } from "./birth.ts";
import { newRecord } from "./new-record.ts";
import { withInput, withoutInput } from "./snapshot-input.ts";
import { Bus } from "./bus.ts";
import { systemClock, type Clock } from "./clock.ts";
import { checkSpec } from "./check-spec.ts";
import { fetchClient, KindRegistry, type HttpClient } from "./kinds.ts";
import { longPoll } from "./long-poll.ts";
import { EngineMetrics } from "./metrics.ts";
import { Webhooks, type WebhookOptions } from "./webhooks.ts";
import { dueAction, nextDeadline, project, type Timing } from "./projection.ts";
import { toView, ViewMemo } from "./view.ts";

export interface EngineOptions {
  store: Store;
  clock?: Clock;
  /** Clock for timers inside machines (script sleeps); XState's SimulatedClock in tests. */
  machineClock?: MachineClock;
  retention?: { finishedMs?: number; afterReceiptMs?: number };
  cancelGraceMs?: number;
  /** In-process jobs working at once; the rest wait in the queue. */
  maxRunning?: number;
  /**
   * Actors of unfinished jobs with nothing to run (waiting on a prompt, a worker, their children) kept
   * in memory, most recently used first, before the oldest is passivated (default 256; 0 passivates at once).
   */
  keepIdle?: number;
  httpClient?: HttpClient;
  /** Addresses the http kind and webhooks may call (default: any; `jobd serve` applies --allow-outbound). */
  outbound?: (url: URL) => Promise<boolean>;
  /** Fire stored deadlines from a timer. Tests that drive time by hand turn it off and call tick(). */
  autoTick?: boolean;
  webhooks?: WebhookOptions;
  onError?: (error: unknown, where: string) => void;
}

export interface CreateOptions {
  owner?: string | null;
  idempotencyKey?: string | null;
}

interface LiveJob {
  actor: AnyActor;
  record: JobRecord;
  kind: KindDefinition;
  /** False while the row is being inserted or after the actor was passivated. */
  attached: boolean;
  /** The actor's persisted snapshot as JSON, once asked for since the job's actors last changed. */
  snapshotJson: string | null;
  /** Returns snapshotJson, serializing the actor first when it changed: a row write's snapshot source. */
  persisted: () => string;
}

function liveJob(actor: AnyActor, record: JobRecord, kind: KindDefinition, attached: boolean): LiveJob {
  const live: LiveJob = {
    actor,
    record,
    kind,
    attached,
    snapshotJson: null,
    // The input is in the row; the stored snapshot names where it goes instead of repeating it.
    persisted: () => (live.snapshotJson ??= JSON.stringify(withoutInput(actor.getPersistedSnapshot(), live.record.input))),
  };
  return live;
}

/**
 * What a row write of a live job stores: its snapshot, serialized when the row goes out. A finished job
 * never wakes again and its row holds all it shows, so it keeps none.
 */
function snapshotSource(live: LiveJob): SnapshotSource {
  return isFinished(live.record.state) ? null : live.persisted;
}

/**
 * Stops a job's actor; its snapshot is taken first (a row write still waiting for it must not see a
 * stopped actor), unless it is one no row stores.
 */
function stopLive(live: LiveJob): void {
  live.attached = false;
  if (snapshotSource(live)) live.persisted();
  live.actor.stop();
}

const DAY = 86_400_000;

/** The first entry of every job's log, implied by its row (see `Engine.log`). */
const creationEntry = (record: JobRecord): Transition => ({
  jobId: record.id,
  seq: 1,
  at: record.createdAt,
  event: "job.create",
  from: "",
  to: "queued",
  payload: null,
});

/**
 * The actor system. A job's actor is in memory only while its work runs in process; otherwise it is
 * passivated to its snapshot and woken by the next event for it. Every state change is written
 * through the store's group commit, and callers are answered only once it is committed.
 */
export class Engine {
  readonly bus = new Bus();
  readonly kinds: KindRegistry;
  readonly store: Store;
  readonly metrics: EngineMetrics;
  readonly webhooks: Webhooks;
  private readonly clock: Clock;
  private readonly timing: Omit<Timing, "now">;
  private readonly retentionAfterReceiptMs: number;
  private readonly maxRunning: number;
  private readonly keepIdle: number;
  /** Ids of live actors with nothing to run, least recently used first (see `keepIdle`). */
  private readonly idle = new Set<string>();
  private readonly live = new Map<string, LiveJob>();
  private readonly births = new BirthSnapshots();
  /** Records written in the open transaction: a create answers from here instead of reading back. */
  private readonly recent = new Map<string, JobRecord>();
  private readonly views = new ViewMemo();
  private effects: (() => void)[] = [];
  private touched = new Set<string>();
  private draining = false;
  private pendingEmits: (() => void)[] = [];
  private emitScheduled = false;
  private backlog = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedAt: number | null = null;
  private closed = false;
  /** Aborted by close(): long polls answer at once with the job as it is. */
  private readonly closing = new AbortController();
  ready = false;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.metrics = new EngineMetrics(this.store, this.bus);
    this.store.onCommit((info) => {
      this.recent.clear();
      this.bus.emit("store:commit", info);
    });
    this.clock = options.clock ?? systemClock;
    const outbound = options.outbound ?? (async () => true);
    this.kinds = new KindRegistry(options.httpClient ?? fetchClient(outbound));
    this.timing = {
      cancelGraceMs: options.cancelGraceMs ?? 30_000,
      retentionFinishedMs: options.retention?.finishedMs ?? 3 * DAY,
    };
    this.retentionAfterReceiptMs = options.retention?.afterReceiptMs ?? 0;
    this.maxRunning = options.maxRunning ?? 1000;
    this.keepIdle = options.keepIdle ?? 256;
    this.webhooks = new Webhooks(this.store, this.clock, (id, event, payload) => this.note(id, event, payload), {
      allow: outbound,
      ...options.webhooks,
    });
  }

  now(): number {
    return this.clock.now();
  }

  // ---- boot and shutdown ------------------------------------------------------------------------

  /** Resumes in-process work that was running when jobd stopped, and arms the stored deadlines. */
  boot(): { resumed: number } {
    const ids = this.store.findWorkingInProcess();
    for (const id of ids) this.apply(id, { type: "job.interrupted" });
    this.backlog = true;
    this.pump();
    this.arm();
    if (this.options.autoTick !== false) this.webhooks.schedule();
    this.ready = true;
    return { resumed: ids.length };
  }

  /** Stops timers and actors without changing any job: running work resumes at the next boot. */
  /**
   * Answers every long poll (`wait`) now, with the job as it is. The server calls it before it
   * stops taking requests, since stopping waits for the requests in flight, those polls included.
   */
  endLongPolls(): void {
    this.closing.abort();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    this.webhooks.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const live of this.live.values()) stopLive(live);
    this.live.clear();
    this.idle.clear();
    await this.store.committed();
  }

  // ---- commands ---------------------------------------------------------------------------------

  async create(spec: JobSpec, options: CreateOptions = {}): Promise<JobView> {
    const id = this.createNow(spec, options);
    // The job as this create left it; an existing job (idempotency key) is read back instead.
    const record = this.recent.get(id);
    const children = record && spec.children?.length ? this.store.findChildIds(id).map((c) => this.recent.get(c)) : [];
    await this.store.committed();
    if (!record || children.some((c) => c === undefined)) return this.mustView(id);
    return toView(record, children as JobRecord[]);
  }

  /** Creates the job tree inside the open transaction and returns the root id (not yet durable). */
  createNow(spec: JobSpec, options: CreateOptions = {}, parentId: string | null = null, id?: string): string {
    checkSpec(spec, this.kinds);
    const namespace = spec.namespace ?? "default";
    if (options.idempotencyKey) {
      const existing = this.store.findJobByIdempotencyKey(namespace, options.idempotencyKey);
      if (existing) return existing.id;
    }
    const created: JobRecord[] = [];
    const rootId = this.store.write(() => this.insertTree(spec, parentId, options, created, id));
    // Each job is announced as it was created; its later transitions follow as their own events.
    for (const job of created) this.afterCommit(() => this.bus.emit("job:created", { job }));
    this.drain();
    return rootId;
  }

  /** Adds children under a job that already exists (a worker spawning sub-jobs). */
  async addChildren(parentId: string, specs: JobSpec[], options: CreateOptions = {}): Promise<JobView[]> {
    const parent = this.current(parentId);
    if (!parent) throw notFound();
    if (isFinished(parent.state)) throw new JobdError("CONFLICT", "the job has finished; it cannot take sub-jobs");
    const children = specs.map((spec) => ({ ...spec, namespace: spec.namespace ?? parent.namespace }));
    for (const spec of children) checkSpec(spec, this.kinds);
    // The parent learns of its children before any of them can end: an in-process child may finish at once.
    const ids = children.map(() => Bun.randomUUIDv7());
    this.apply(parentId, { type: "job.children.added", ids });
    children.forEach((spec, i) => this.createNow(spec, { owner: options.owner ?? null }, parentId, ids[i]));
    await this.store.committed();
    return ids.map((id) => this.mustView(id));
  }

  async cancel(id: string): Promise<JobView> {
    const record = this.current(id);
    if (!record) throw notFound();
    if (!isFinished(record.state)) this.apply(id, { type: "job.cancel" }, record);
    await this.store.committed();
    return this.mustView(id);
  }

  /**
   * Answers the open prompt. `prompt`, when given, names which one: the number of answers the job
   * had when it asked (`answers.length` in its view). A retried answer then cannot answer the next
   * question: a prompt answered already, or not asked yet, is a 409 and changes nothing.
   */
  async answer(id: string, button: number, prompt?: number): Promise<JobView> {
    const record = this.current(id);
    if (!record) throw notFound();
    if (prompt !== undefined && prompt !== record.answers.length) {
      throw new JobdError(
        "CONFLICT",
        prompt < record.answers.length
          ? `prompt ${prompt} was answered already (the job has ${record.answers.length} answers)`
          : `prompt ${prompt} has not been asked (the job has ${record.answers.length} answers)`,
      );
    }
    if (record.state !== "waiting" || !record.prompt) throw new JobdError("NOTHING_ASKED", "the job is not asking anything");
    if (!Number.isInteger(button) || button < 0 || button >= record.prompt.buttons.length) {
      throw new JobdError(
        "INVALID_BUTTON",
        `button must be an index from 0 to ${record.prompt.buttons.length - 1}`,
      );
    }
    if (!this.apply(id, { type: "job.answer", button }, record)) return this.endedOnWaking(id);
    // The job as this answer left it (the resumed work's next question included), sent once committed.
    const view = this.viewOfRecent(id);
    await this.store.committed();
    return view ?? this.mustView(id);
  }

  /** Sends a lifecycle event (worker calls, tests). Resolves once the change is durable. */
  async send(id: string, event: JobEvent): Promise<JobRecord> {
    const record = this.apply(id, event);
    if (!record) return this.endedOnWaking(id);
    await this.store.committed();
    return record;
  }

  /** The job is there but could not be woken for an event: it failed instead (a damaged row or snapshot). */
  private async endedOnWaking(id: string): Promise<never> {
    const ended = this.current(id);
    if (!ended) throw notFound();
    await this.store.committed();
    throw new JobdError("CONFLICT", `the job ${ended.state} before it took this event${ended.error ? ` (${ended.error.code})` : ""}`);
  }

  /**
   * Changes stored fields that are not machine state, through the write queue: leases, receipt,
   * retention, deadlines. That is bookkeeping, not a change of the job, so `updatedAt` (the last
   * transition or progress report, CloudSigma's `last_modified`) stays as it was.
   */
  patch(id: string, change: (r: JobRecord) => Partial<JobRecord>): JobRecord | undefined {
    const record = this.current(id);
    if (!record) return undefined;
    const changed = change(record);
    const next: JobRecord = { ...record, ...changed };
    if (record.damaged) next.damaged = stillDamaged(record, Object.keys(changed));
    next.deadlineAt = nextDeadline(next, { ...this.timing, now: this.now() });
    const live = this.live.get(id);
    if (live) live.record = next;
    this.recent.set(id, next);
    this.store.write(() => this.store.updateJob(next, this.snapshotOf(id)));
    this.armIfEarlier(next.deadlineAt);
    return next;
  }

  /** Resolves once every change made so far (patch() included) is durable and visible to reads. */
  committed(): Promise<void> {
    return this.store.committed();
  }

  /** Appends an entry to a job's log that is not a machine transition (webhook outcomes). */
  note(id: string, event: string, payload: unknown): void {
    const record = this.current(id);
    if (!record) return;
    const logSeq = record.logSeq + 1;
    const live = this.live.get(id);
    if (live) live.record = { ...live.record, logSeq };
    this.store.write(() => {
      this.store.setLogSeq(id, logSeq);
      this.store.appendTransition({ jobId: id, seq: logSeq, at: this.now(), event, from: record.stateValue, to: record.stateValue, payload });
    });
  }

  /**
   * A receipt-taking dialect read the finished job: it is gone from those dialects at once. Resolves
   * true for the one call that took the receipt, false when the job was not there to take.
   */
  async receive(id: string): Promise<boolean> {
    const record = this.current(id);
    if (!record || !isFinished(record.state) || record.receivedAt !== null) return false;
    if (this.retentionAfterReceiptMs <= 0) {
      this.store.write(() => this.deleteTree(record));
    } else {
      const now = this.now();
      this.patch(id, () => ({ receivedAt: now, expiresAt: now + this.retentionAfterReceiptMs }));
    }
    await this.store.committed();
    return true;
  }

  /** Removes a job and its finished descendants. */
  async remove(id: string): Promise<void> {
    const record = this.current(id);
    if (!record) return;
    this.store.write(() => this.deleteTree(record));
    await this.store.committed();
  }

  // ---- reads (committed data) -------------------------------------------------------------------

  get(id: string): JobView | undefined {
    const record = this.store.readJobById(id);
    return record ? this.viewOf(record) : undefined;
  }

  getRecord(id: string): JobRecord | undefined {
    return this.store.readJobById(id);
  }

  /**
   * The record as the writer sees it, uncommitted changes included. For checks that must happen in
   * the same synchronous step as the write they guard (a lease check before a worker's event).
   */
  latest(id: string): JobRecord | undefined {
    return this.current(id);
  }

  getBySeq(seq: number): JobRecord | undefined {
    return this.store.readJobBySeq(seq);
  }

  children(id: string): JobRecord[] {
    return this.store.readChildren(id);
  }

  viewOf(record: JobRecord): JobView {
    return this.views.of(record, this.store.readChildren(record.id));
  }

  list(filter: JobFilter): JobView[] {
    return this.store.readJobs(filter).map((r) => this.viewOf(r));
  }

  listRecords(filter: JobFilter): JobRecord[] {
    return this.store.readJobs(filter);
  }

  count(filter: JobFilter): number {
    return this.store.countJobs(filter);
  }

  /**
   * A job's log. Its first entry, the creation (seq 1, "" → queued at createdAt), is not stored: the
   * row says all of it, and committed with the row it is exactly as durable. Databases written before
   * this stored it, so a stored seq 1 is used as it is.
   */
  log(id: string): Transition[] {
    const stored = this.store.readTransitions(id);
    if (stored[0]?.seq === 1) return stored;
    const record = this.store.readJobById(id);
    return record ? [creationEntry(record), ...stored] : stored;
  }

  /** Long poll: the job once it has finished, or as it is at the timeout. */
  async wait(id: string, timeoutMs: number): Promise<JobView | undefined> {
    const view = this.get(id);
    if (!view || isFinished(view.state)) return view;
    await longPoll(timeoutMs, this.closing.signal, (done) => [
      this.bus.on("job:finished", ({ job }) => job.id === id && done()),
      this.bus.on("job:deleted", (e) => e.id === id && done()),
    ]);
    return this.get(id);
  }

  activeLeases(): number {
    return this.store.countActiveLeases();
  }

  checkpointing(): CheckpointStatus {
    return this.store.checkpointing();
  }

  liveCount(): number {
    return this.live.size;
  }

  // ---- deadlines --------------------------------------------------------------------------------

  /** Fires every due deadline. Returns how many jobs it touched. */
  tick(): number {
    const now = this.now();
    let fired = 0;
    for (;;) {
      const ids = this.store.findDueDeadlines(now, 500);
      for (const id of ids) {
        this.fire(id, now);
        fired++;
      }
      if (ids.length < 500) break;
    }
    this.pump();
    this.arm();
    return fired;
  }

  private fire(id: string, now: number): void {
    const record = this.current(id);
    if (!record) return;
    try {
      const action = dueAction(record, { ...this.timing, now });
      if (action?.kind === "expire") {
        // A kept sub-job loses its own expiry (so its deadline stops firing); its parent's removal takes it.
        if (this.keptByParent(record)) this.patch(id, () => ({ expiresAt: null }));
        else this.store.write(() => this.deleteTree(record));
      } else if (action?.kind === "start") {
        this.tryStart(id);
      } else if (action?.kind === "announce") {
        this.afterCommit(() => this.bus.emit("job:queued", { job: record }));
      } else if (action?.kind === "send") {
        this.apply(id, action.event);
      }
    } finally {
      // A deadline that nothing moved must not fire again and again.
      const after = this.current(id);
      if (after && after.deadlineAt !== null && after.deadlineAt <= now) this.patch(id, () => ({ deadlineAt: null }));
    }
  }

  private arm(): void {
    if (this.closed || this.options.autoTick === false) return;
    const next = this.store.findNextDeadline();
    if (next === null) return;
    this.armIfEarlier(next, true);
  }

  private armIfEarlier(at: number | null, force = false): void {
    if (at === null || this.closed || this.options.autoTick === false) return;
    if (!force && this.armedAt !== null && this.armedAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    const delay = Math.min(Math.max(0, at - this.now()), 60_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedAt = null;
      try {
        this.tick();
      } catch (error) {
        this.options.onError?.(error, "tick");
        this.arm();
      }
    }, delay);
  }

  // ---- the actor system -------------------------------------------------------------------------

  private insertTree(
    spec: JobSpec,
    parentId: string | null,
    options: CreateOptions,
    created: JobRecord[],
    id: string = Bun.randomUUIDv7(),
  ): string {
    const now = this.now();
    const kindName = spec.kind ?? spec.type;
    const kind = this.kinds.get(kindName);
    const childIds = (spec.children ?? []).map(() => Bun.randomUUIDv7());
    const machine = this.kinds.machineFor(kindName);
    const record = newRecord({ id, spec, parentId, kind, kindName, options, now, machineVersion: this.kinds.versionOf(kindName) });
    const input = jobInputOf(record, kind);
    record.deadlineAt = nextDeadline(record, { ...this.timing, now });
    const startsNow = record.inProcess && record.runAt <= now;
    // A job's first snapshot is not written: it follows from the row (see BIRTH_SNAPSHOT).
    record.seq = this.store.insertJob(record, BIRTH_SNAPSHOT);
    if (startsNow) {
      // The work starts in this same turn: the job gets its actor at once, restored from the same
      // birth snapshot (cheaper than running the machine's initial transition for every job).
      const actor = createActor(machine, {
        snapshot: this.births.snapshot(machine, input, childIds) as Snapshot<unknown>,
        inspect: (event) => this.onInspect(id, event),
        ...(this.options.machineClock ? { clock: this.options.machineClock } : {}),
      });
      const live = liveJob(actor, record, kind, false);
      this.live.set(id, live);
      this.observeErrors(id, actor);
      actor.start();
      live.attached = true;
      this.touched.add(id);
    }
    // Otherwise the job waits (for a worker, or for its run-at) and is born passivated: no actor
    // exists until an event wakes it.
    created.push({ ...record });
    this.recent.set(id, record);
    this.armIfEarlier(record.deadlineAt);
    // The parent's machine already knows its children's ids; each child is a job of its own, in its
    // parent's namespace unless its spec names another (the surfaces check the caller may use it).
    (spec.children ?? []).forEach((child, i) => {
      const childSpec = { ...child, namespace: child.namespace ?? record.namespace };
      this.insertTree(childSpec, id, { owner: options.owner ?? null }, created, childIds[i]);
    });
    if (startsNow) this.effects.push(() => this.tryStart(id));
    return id;
  }

  private tryStart(id: string): void {
    // Working actors are a subset of live ones: only a full house needs counting.
    if (this.live.size >= this.maxRunning && this.workingCount() >= this.maxRunning) {
      this.backlog = true;
      return;
    }
    const record = this.current(id);
    if (record?.state === "queued" && record.runAt <= this.now()) this.apply(id, { type: "job.start" });
  }

  private workingCount(): number {
    let n = 0;
    for (const live of this.live.values()) if (live.attached && needsLive(live)) n++;
    return n;
  }

  /** Starts queued in-process jobs while there is room. */
  private pump(): void {
    if (!this.backlog || this.closed) return;
    const free = this.maxRunning - this.workingCount();
    if (free <= 0) return;
    const ids = this.store.findQueuedDue(this.now(), true, null, free);
    if (ids.length < free) this.backlog = false;
    for (const id of ids) this.apply(id, { type: "job.start" });
  }

  /** The latest record: the live actor's when it is awake, otherwise the writer's row. */
  private current(id: string): JobRecord | undefined {
    return this.live.get(id)?.record ?? this.store.findJobById(id);
  }

  private mustView(id: string): JobView {
    const view = this.get(id) ?? this.viewFromWriter(id);
    if (!view) throw notFound();
    return view;
  }

  /**
   * The view of a job written in the open transaction, built from the writer's records instead of read
   * back after the commit (children not written in it come from the writer's rows); undefined when the
   * job itself was not written in it.
   */
  private viewOfRecent(id: string): JobView | undefined {
    const record = this.recent.get(id);
    if (!record) return undefined;
    const children = this.store.findChildIds(id).map((c) => this.recent.get(c) ?? this.store.findJobById(c));
    if (children.some((c) => c === undefined)) return undefined;
    return toView(record, children as JobRecord[]);
  }

  private viewFromWriter(id: string): JobView | undefined {
    const record = this.store.findJobById(id);
    return record ? toView(record, []) : undefined;
  }

  private snapshotOf(id: string): SnapshotSource {
    const live = this.live.get(id);
    if (live) return snapshotSource(live);
    return this.store.findSnapshot(id)?.snapshot ?? null;
  }

  /**
   * Wakes a passivated job: restores its actor from the stored snapshot. `known` is the job's record
   * when the caller has just read it from the writer (saves reading it again).
   */
  private wake(id: string, known?: JobRecord): LiveJob | undefined {
    const existing = this.live.get(id);
    if (existing) return existing;
    const record = known ?? this.store.findJobById(id);
    const stored = this.store.findSnapshot(id);
    if (!record || !stored?.snapshot) return undefined;
    if (record.damaged) {
      // Its machine would run on empty values in place of what the row held: it is not restored.
      const columns = Object.keys(record.damaged).join(", ");
      this.failWithoutActor(record, { code: "ROW_DAMAGED", message: `stored ${columns} could not be read as JSON` }, "job.restore.failed");
      return undefined;
    }
    const kind = this.kinds.get(record.kind);
    let actor: AnyActor;
    try {
      if (stored.machineVersion !== this.kinds.versionOf(record.kind)) {
        throw new Error(`stored machine ${stored.machineVersion} is not ${this.kinds.versionOf(record.kind)}`);
      }
      const machine = this.kinds.machineFor(record.kind);
      const snapshot = (
        stored.snapshot === BIRTH_SNAPSHOT
          ? this.births.snapshot(machine, jobInputOf(record, kind), this.store.findChildIds(id))
          : withInput(JSON.parse(stored.snapshot), record.input)
      ) as Snapshot<unknown>;
      actor = createActor(machine, {
        snapshot,
        inspect: (event) => this.onInspect(id, event),
        ...(this.options.machineClock ? { clock: this.options.machineClock } : {}),
      });
    } catch (error) {
      this.failUnrestorable(record, error);
      return undefined;
    }
    const live = liveJob(actor, record, kind, true);
    this.live.set(id, live);
    this.observeErrors(id, actor);
    actor.start();
    return live;
  }

  /**
   * A machine that throws (a guard or action meeting a state it never wrote, from a damaged row, or a
   * bug) stops its actor. Unobserved, XState rethrows the error from a timer and the whole process
   * dies, and again at every boot that resumes the job. Observed, the job fails and the server goes on.
   */
  private observeErrors(id: string, actor: AnyActor): void {
    actor.subscribe({
      error: (error: unknown) => {
        this.effects.push(() => this.failBroken(id, actor, error));
        this.drain();
      },
    });
  }

  private failBroken(id: string, actor: AnyActor, error: unknown): void {
    const live = this.live.get(id);
    // The job may have been woken again by a new actor since; only this actor's error counts.
    if (!live || live.actor !== actor) return;
    this.live.delete(id);
    this.idle.delete(id);
    live.attached = false;
    const message = error instanceof Error ? error.message : String(error);
    this.failWithoutActor(live.record, { code: "MACHINE_ERROR", message }, "job.machine.error");
  }

  private failUnrestorable(record: JobRecord, error: unknown): void {
    const message = error instanceof Error ? error.message : "snapshot could not be restored";
    this.failWithoutActor(record, { code: "SNAPSHOT_UNRESTORABLE", message }, "job.restore.failed");
  }

  /**
   * Ends a job whose machine cannot go on (its snapshot does not restore, or its actor threw): the
   * row is failed by hand, with the reason in the log, and its unfinished children are cancelled as a
   * failed machine would cancel them.
   */
  private failWithoutActor(record: JobRecord, error: { code: string; message: string }, event: string): void {
    if (isFinished(record.state)) return;
    const now = this.now();
    // Columns that did not parse leave the row with the job's error, which keeps their text.
    const { damaged, ...intact } = record;
    const next: JobRecord = {
      ...intact,
      state: "failed",
      stateValue: "failed",
      error: damaged ? { ...error, details: { damagedColumns: damaged } } : error,
      finishedAt: now,
      updatedAt: now,
      expiresAt: now + this.timing.retentionFinishedMs,
      lease: null,
      logSeq: record.logSeq + 1,
    };
    next.deadlineAt = nextDeadline(next, { ...this.timing, now });
    this.store.write(() => {
      this.store.updateJob(next, null);
      this.store.appendTransition({
        jobId: next.id,
        seq: next.logSeq,
        at: now,
        event,
        from: record.stateValue,
        to: "failed",
        payload: { message: error.message },
      });
    });
    this.recent.set(next.id, next);
    const childIds = this.store.findChildIds(next.id);
    if (childIds.length > 0) this.effects.push(() => this.cancelChildren(childIds));
    this.onFinished(next);
  }

  /** Sends one event to a job, waking it if needed, and settles every consequence. */
  private apply(id: string, event: JobEvent, known?: JobRecord): JobRecord | undefined {
    const awake = this.live.get(id);
    const record = awake?.record ?? known ?? this.store.findJobById(id);
    // A finished job's machine is final and ignores every event; asleep, it has no snapshot to wake.
    if (!awake && record && isFinished(record.state)) return record;
    const live = awake ?? this.wake(id, record);
    if (!live) return undefined;
    live.actor.send(event);
    this.touched.add(id);
    this.drain();
    return live.record;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.effects.length > 0 || this.touched.size > 0) {
        while (this.effects.length > 0) {
          const effect = this.effects.shift();
          try {
            effect?.();
          } catch (error) {
            this.options.onError?.(error, "effect");
          }
        }
        const touched = [...this.touched];
        this.touched.clear();
        for (const id of touched) this.passivateIfIdle(id);
      }
      this.pump();
    } finally {
      this.draining = false;
    }
  }

  /**
   * A job with nothing to run in process gives up its actor. An unfinished one keeps it for a while
   * (like an Orleans grain before its idle deactivation): the next answer, heartbeat or child's end
   * then finds it awake instead of parsing and restoring its snapshot. Only the `keepIdle` most
   * recently used are kept; the row is written on every transition either way, so a kept actor and a
   * passivated one are the same job.
   */
  private passivateIfIdle(id: string): void {
    const live = this.live.get(id);
    if (!live || !live.attached || needsLive(live)) return;
    this.idle.delete(id);
    if (!isFinished(live.record.state) && this.keepIdle > 0) {
      this.idle.add(id);
      if (this.idle.size <= this.keepIdle) return;
      const oldest = this.idle.values().next().value as string;
      this.idle.delete(oldest);
      const evicted = this.live.get(oldest);
      // It may have started working again since; then it is not idle and stays.
      if (evicted && evicted.attached && !needsLive(evicted)) this.passivate(oldest, evicted);
      return;
    }
    this.passivate(id, live);
  }

  private passivate(id: string, live: LiveJob): void {
    this.live.delete(id);
    stopLive(live);
    if (this.backlog) this.effects.push(() => this.pump());
  }

  private onInspect(id: string, inspection: InspectionEvent): void {
    if (inspection.type !== "@xstate.snapshot") return;
    const live = this.live.get(id);
    if (!live || !live.attached) return;
    // Any change in the job's actors (a child's own timer included) makes its kept JSON stale.
    live.snapshotJson = null;
    if (inspection.actorRef !== live.actor) return;
    const event = inspection.event as { type: string };
    if (event.type.startsWith("xstate.")) return;
    try {
      this.onTransition(live, event, inspection.snapshot as AnyMachineSnapshot);
    } catch (error) {
      this.options.onError?.(error, `job ${id}`);
    }
  }

  private onTransition(live: LiveJob, event: { type: string } & Record<string, unknown>, snapshot: AnyMachineSnapshot): void {
    const previous = live.record;
    const now = this.now();
    const next = project(previous, snapshot, { ...this.timing, now });
    const changedState = next.stateValue !== previous.stateValue;
    let transition: Transition | null = null;
    if (changedState || event.type !== "job.progress") {
      next.logSeq = previous.logSeq + 1;
      transition = {
        jobId: next.id,
        seq: next.logSeq,
        at: now,
        event: event.type,
        from: previous.stateValue,
        to: next.stateValue,
        payload: payloadOf(event),
      };
    }
    live.record = next;
    this.recent.set(next.id, next);
    // Transitions started inside the actor (a timer, the work's own progress) settle here too.
    this.touched.add(next.id);
    if (!this.draining) queueMicrotask(() => this.drain());
    const hook =
      next.callback !== null &&
      ((next.callback.events === "transitions" && transition !== null) || (changedState && isFinished(next.state)));
    this.store.write(() => {
      // Serialized when the row goes out: once per commit, however many transitions the job made in it.
      this.store.updateJob(next, snapshotSource(live));
      if (transition) this.store.appendTransition(transition);
      if (hook) this.webhooks.enqueue(next, isFinished(next.state) ? "job.finished" : "job.transition", {
        event: isFinished(next.state) ? "job.finished" : "job.transition",
        transition,
        job: { ...toView(next, []), children: this.store.findChildIds(next.id) },
      });
    });
    if (hook && this.options.autoTick !== false) this.afterCommit(() => this.webhooks.schedule());
    this.armIfEarlier(next.deadlineAt);
    if (transition) {
      const t = transition;
      this.afterCommit(() => this.bus.emit("job:transition", { job: next, transition: t }));
    } else {
      this.afterCommit(() => this.bus.emit("job:progress", { job: next }));
    }
    if (!changedState) return;
    if (next.state === "queued" && next.inProcess) {
      if (next.runAt <= now) this.effects.push(() => this.tryStart(next.id));
    }
    if (next.state === "queued" && !next.inProcess) this.afterCommit(() => this.bus.emit("job:queued", { job: next }));
    if (next.state === "cancelling" || isFinished(next.state)) {
      // The machine knows its children; asking SQLite would send every waiting row write first.
      const childIds = Object.keys((snapshot.context as JobContext).children);
      if (childIds.length > 0) this.effects.push(() => this.cancelChildren(childIds));
    }
    if (isFinished(next.state)) this.onFinished(next);
  }

  private onFinished(job: JobRecord): void {
    this.afterCommit(() => this.bus.emit("job:finished", { job }));
    if (job.parentId) {
      const parentId = job.parentId;
      const state = job.state as ChildEnd;
      this.effects.push(() => {
        const parent = this.current(parentId);
        if (parent && !isFinished(parent.state)) this.apply(parentId, { type: "job.child.settled", childId: job.id, state });
      });
    }
  }

  private cancelChildren(childIds: string[]): void {
    for (const childId of childIds) {
      const child = this.current(childId);
      if (child && !isFinished(child.state) && child.state !== "cancelling") this.apply(childId, { type: "job.cancel" });
    }
  }

  /** A finished sub-job nobody received lives as long as its parent: removing the parent takes it along. */
  private keptByParent(record: JobRecord): boolean {
    return record.receivedAt === null && record.parentId !== null && this.current(record.parentId) !== undefined;
  }

  private deleteTree(record: JobRecord): void {
    for (const childId of this.store.findChildIds(record.id)) {
      const child = this.current(childId);
      if (child && isFinished(child.state)) this.deleteTree(child);
    }
    const live = this.live.get(record.id);
    this.idle.delete(record.id);
    if (live) {
      stopLive(live);
      this.live.delete(record.id);
    }
    this.store.deleteJob(record.id);
    this.recent.delete(record.id);
    const deleted = { id: record.id, namespace: record.namespace, state: record.state, type: record.type };
    this.afterCommit(() => this.bus.emit("job:deleted", deleted));
  }

  /** Notifications go out once the change they describe is durable. */
  private afterCommit(fn: () => void): void {
    this.pendingEmits.push(fn);
    if (this.emitScheduled) return;
    this.emitScheduled = true;
    this.store.committed().then(
      () => this.flushEmits(),
      (error) => {
        this.options.onError?.(error, "commit");
        this.flushEmits();
      },
    );
  }

  private flushEmits(): void {
    this.emitScheduled = false;
    const list = this.pendingEmits;
    this.pendingEmits = [];
    for (const fn of list) fn();
  }
}

/** Work in process keeps an actor awake; a job waiting on anything else sleeps in its snapshot. */
function needsLive(live: LiveJob): boolean {
  return live.kind.inProcess && (live.record.stateValue === "running.working" || live.record.state === "cancelling");
}

function payloadOf(event: Record<string, unknown>): unknown {
  switch (event.type) {
    case "job.prompt":
      return event.prompt ?? null;
    case "job.answer":
      return { button: event.button };
    case "job.fail":
      return { error: event.error, retryable: event.retryable ?? true };
    case "job.child.settled":
      return { childId: event.childId, state: event.state };
    case "job.children.added":
      return { ids: event.ids };
    default:
      return null;
  }
}
