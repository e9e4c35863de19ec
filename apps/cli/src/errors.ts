/** Exit codes of the `brain` CLI (README, "CLI"). */
export const ExitCode = {
  Ok: 0,
  /** the api refused the request (4xx), or a blueprint is invalid */
  Refused: 1,
  /** the command line is wrong (unknown command or option, missing argument, unreadable file) */
  Usage: 2,
  /** the api cannot be reached, or answered 5xx / something that is not its JSON */
  Unavailable: 3,
  /** `--wait` / `follow` ran out of `--timeout` */
  Timeout: 4,
  /** what was waited for ended badly: a task failed or was cancelled, a cluster failed */
  Failed: 5,
} as const;

/** An error that ends the command with a message and an exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** extra lines printed after the message (e.g. each validation problem) */
    readonly lines: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(
    message: string,
    /** the usage text of the command concerned */
    readonly usage?: string,
  ) {
    super(ExitCode.Usage, message);
    this.name = 'UsageError';
  }
}
