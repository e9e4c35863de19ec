/** What a read produced, and whether all of it answered (a partial result is still used). */
export interface ReadResult<T> {
  value: T;
  complete: boolean;
}

/**
 * One scrape-time read (the database, the queue store) shared by every gauge that needs it, and
 * bounded in time so that a scrape answers even when the store is frozen.
 *
 * - prom-client calls the collect callbacks of one scrape in the same tick, so they all join the
 *   read that the first one started; the next scrape starts a new one.
 * - The read gets `timeoutMs`; past it the scrape goes on without it (`undefined`) and the signal
 *   tells the read to start nothing more.
 * - A read that outlived its timeout is not sent again until it settles: a frozen store would
 *   otherwise collect one more pending call (and pooled connection) per scrape.
 * - `onFailure` is told once per scrape in which the read failed, timed out, was skipped, or
 *   came back incomplete.
 */
export class ScrapeRead<T> {
  private shared: Promise<T | undefined> | null = null;
  private outstanding = false;

  constructor(
    private readonly read: (signal: AbortSignal) => Promise<ReadResult<T>>,
    private readonly timeoutMs: number,
    private readonly onFailure: (reason: string) => void,
  ) {}

  get(): Promise<T | undefined> {
    if (!this.shared) {
      const p = this.readOnce();
      this.shared = p;
      const clear = () => {
        if (this.shared === p) this.shared = null;
      };
      p.then(clear, clear);
    }
    return this.shared;
  }

  private async readOnce(): Promise<T | undefined> {
    if (this.outstanding) {
      this.onFailure(`the previous read has still not answered after more than ${this.timeoutMs} ms`);
      return undefined;
    }
    const abort = new AbortController();
    this.outstanding = true;
    const read = this.read(abort.signal);
    const settled = () => {
      this.outstanding = false;
    };
    read.then(settled, settled);
    try {
      const result = await withTimeout(read, this.timeoutMs);
      if (!result.complete) this.onFailure('part of the read failed');
      return result.value;
    } catch (e) {
      abort.abort();
      this.onFailure(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }
}

/** `call` bounded by `ms`: rejects when it does not settle in time (the call itself is not cancelled). */
export async function withTimeout<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
