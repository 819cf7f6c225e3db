/** Errors a worker sees. Each says what the worker should do next. */

/** jobd answered with an error. `code` is jobd's stable error code. */
export class WorkerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "WorkerApiError";
  }
}

/** The lease no longer holds the job (expired, or the job ended or was deleted): drop the work. */
export class LeaseLostError extends WorkerApiError {
  constructor(status: number, code: string, message: string) {
    super(status, code, message);
    this.name = "LeaseLostError";
  }
}

/** Someone asked to cancel the job: stop, and the job ends `canceled`. The job's signal carries it. */
export class CancelRequestedError extends Error {
  constructor() {
    super("a cancel was requested");
    this.name = "CancelRequestedError";
  }
}

/**
 * Throw this from a handler to fail the attempt with your own code. `retryable: false` fails the job
 * at once; otherwise jobd retries it while attempts remain.
 */
export class JobFailure extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details?: unknown;
  constructor(code: string, message: string, options: { retryable?: boolean; details?: unknown } = {}) {
    super(message);
    this.name = "JobFailure";
    this.code = code;
    this.retryable = options.retryable ?? true;
    this.details = options.details;
  }
}
