/**
 * Runs a job on an interval, one run at a time, and stops gracefully: `stop()` clears the interval and
 * waits for the run in progress. A run that throws is reported to `onError` and the next interval
 * retries. The job itself must be safe on several replicas (claim its work with row locks, say with
 * `SELECT … FOR UPDATE SKIP LOCKED`, and mark it done in the same transaction).
 */
export class IntervalRunner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly job: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts ticking every `intervalMs` (0 or less: never); the timer does not keep the process alive. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  /** One run now, unless one is in progress (then that one's end). */
  async runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        await this.job();
      } catch (error) {
        this.onError(error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
