/**
 * What `jobd` exits with. Scripts branch on these, so they never change meaning:
 * 0 ok · 1 the job ended failed or canceled · 2 usage (bad flags, or the server refused the request
 * as invalid) · 3 not found, not allowed, or the server could not be reached · 4 the server failed.
 */
export const EXIT = {
  OK: 0,
  JOB_FAILED: 1,
  USAGE: 2,
  UNREACHABLE: 3,
  SERVER_ERROR: 4,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports in one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly showUsage = false,
    /** The server's error code, when the server refused the request. */
    readonly apiCode?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.USAGE, true);
