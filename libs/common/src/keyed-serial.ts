/**
 * Runs async work one at a time per key, in call order, within this process; different keys run
 * side by side. A failure does not stop the calls queued behind it.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // forget the key once nothing is queued behind this call, so the map does not grow
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** keys with work running or queued (for tests) */
  get size(): number {
    return this.tails.size;
  }
}
