import { createHmac, randomBytes } from "node:crypto";
import type { Store } from "../store/index.ts";
import type { JobRecord } from "../store/index.ts";
import { OutboundRefusedError, requireAllowed } from "../net/outbound.ts";
import type { Clock } from "./clock.ts";

export interface WebhookOptions {
  /** HMAC-SHA256 key. When none is configured, one is generated once and kept in the database. */
  secret?: string;
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** Only URLs this allows are ever called. */
  allow?: (url: URL) => Promise<boolean>;
  fetch?: typeof fetch;
}

export const SIGNATURE_HEADER = "x-jobd-signature";

/** `t=<unix ms>,v1=<hex hmac of "<t>.<body>">` — the receiver recomputes it with the shared secret. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * Webhook deliveries through a durable outbox: a delivery is written in the same transaction as the
 * transition it reports, sent after the commit, retried with exponential backoff, and every outcome is
 * noted in the job's own log.
 */
export class Webhooks {
  readonly secret: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly allow: (url: URL) => Promise<boolean>;
  private readonly fetcher: typeof fetch;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private closed = false;
  generatedSecret = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly note: (jobId: string, event: string, payload: unknown) => void,
    options: WebhookOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.allow = options.allow ?? (async () => true);
    this.fetcher = options.fetch ?? fetch;
    let secret = options.secret ?? store.readSetting("webhook_secret");
    if (!secret) {
      secret = randomBytes(32).toString("hex");
      store.write(() => store.writeSetting("webhook_secret", secret as string));
      this.generatedSecret = true;
    }
    this.secret = secret;
  }

  /** Called inside the transaction that commits the transition. */
  enqueue(job: JobRecord, event: string, body: unknown): void {
    if (!job.callback) return;
    this.store.insertDelivery({ jobId: job.id, url: job.callback.url, event, body: JSON.stringify(body), nextAt: this.clock.now() });
  }

  /** Sends every due delivery once. Returns how many were attempted. */
  async deliverDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const due = this.store.findDueDeliveries(this.clock.now(), 100);
      await Promise.all(due.map((d) => this.deliver(d)));
      return due.length;
    } finally {
      this.running = false;
    }
  }

  /** Arms a timer for the next due delivery (production); tests call deliverDue() themselves. */
  schedule(): void {
    if (this.closed || this.timer) return;
    const next = this.store.findNextDelivery();
    if (next === null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.deliverDue()
          .catch(() => {})
          .finally(() => this.schedule());
      },
      Math.min(Math.max(0, next - this.clock.now()), 60_000),
    );
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async deliver(d: { id: number; jobId: string; url: string; event: string; body: string; attempts: number }): Promise<void> {
    const attempt = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    // A refusal by --allow-outbound will not change by trying again: the delivery fails at once.
    let refused = false;
    try {
      const url = new URL(d.url);
      await requireAllowed(this.allow, url);
      const timestamp = this.clock.now();
      const res = await this.fetcher(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "jobd-webhooks",
          "x-jobd-event": d.event,
          "x-jobd-delivery": String(d.id),
          [SIGNATURE_HEADER]: sign(this.secret, timestamp, d.body),
        },
        body: d.body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      refused = e instanceof OutboundRefusedError;
      error = e instanceof Error ? e.message : "delivery failed";
    }
    const ok = status !== null && status >= 200 && status < 300;
    const exhausted = !ok && (refused || attempt >= this.maxAttempts);
    const now = this.clock.now();
    const nextAt = ok || exhausted ? now : now + this.baseDelayMs * 2 ** (attempt - 1);
    this.store.write(() => {
      this.store.updateDelivery(d.id, {
        attempts: attempt,
        nextAt,
        doneAt: ok || exhausted ? now : null,
        lastStatus: status,
        lastError: error,
      });
      const outcome = ok ? "webhook.delivered" : exhausted ? "webhook.failed" : "webhook.retrying";
      this.note(d.jobId, outcome, { event: d.event, attempt, status, error, ...(ok || exhausted ? {} : { nextAt }) });
    });
    await this.store.committed();
  }
}
