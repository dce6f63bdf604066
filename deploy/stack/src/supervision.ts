// Supervision of what the local stack started: a part (a service, the Kafka broker, PostgreSQL)
// that dies without being asked to is logged with its exit status, started again after a growing
// delay, and given up on, loudly, when it keeps crashing. Deliberate stops never reach this code:
// the owner of a child only reports exits it did not ask for.
import type { ExitInfo } from './processes';
import { tailFile } from './processes';

export interface RestartPolicy {
  /** Delay before the first restart; doubles with every further crash within the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up when this many crashes happen within windowMs. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
};

export type CrashDecision =
  { action: 'restart'; delayMs: number; crashes: number } | { action: 'give-up'; crashes: number };

/** The crashes of one part and what to do about the latest one (pure: the caller passes the time). */
export class CrashHistory {
  private crashes: number[] = [];

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  record(now: number): CrashDecision {
    this.crashes = this.crashes.filter((at) => now - at < this.policy.windowMs);
    this.crashes.push(now);
    const crashes = this.crashes.length;
    if (crashes >= this.policy.maxCrashes) return { action: 'give-up', crashes };
    return {
      action: 'restart',
      delayMs: Math.min(this.policy.initialDelayMs * 2 ** (crashes - 1), this.policy.maxDelayMs),
      crashes,
    };
  }

  reset(): void {
    this.crashes = [];
  }
}

export interface SupervisorOptions {
  /** As in the stack's messages: "loyalty", "kafka", "postgres". */
  name: string;
  log: (line: string) => void;
  /** The part's own log, named (with its last lines) when the supervisor gives up. */
  logFile: string;
  /**
   * Starts the part again and resolves once it is ready (and watched again by its owner, which calls
   * crashed() on its next unexpected exit); rejects when it did not come up.
   */
  restart: () => Promise<void>;
  policy?: RestartPolicy;
  now?: () => number;
}

export class Supervisor {
  private readonly history: CrashHistory;
  private readonly now: () => number;
  /** Bumped by cancel(): a restart scheduled or begun before then ends without a word. */
  private epoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.history = new CrashHistory(options.policy ?? DEFAULT_RESTART_POLICY);
    this.now = options.now ?? Date.now;
  }

  /** The part exited although nobody asked it to (logOffset: where its current run starts in logFile). */
  crashed(info: ExitInfo, logOffset = 0): void {
    this.decide(`exited unexpectedly (code ${info.code}, signal ${info.signal})`, logOffset);
  }

  /**
   * A deliberate stop or start takes over from the supervisor: a pending restart is dropped and one
   * under way ends silently. Resolves when a restart under way has settled.
   */
  cancel(): Promise<void> {
    this.epoch++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.inFlight ?? Promise.resolve();
  }

  /** A deliberate start: earlier crashes no longer count towards giving up. */
  reset(): void {
    this.history.reset();
  }

  /** `detail`: what a failed restart said beyond its first line (it names the log's last lines itself). */
  private decide(what: string, logOffset: number, detail?: string): void {
    const { name, log } = this.options;
    const decision = this.history.record(this.now());
    if (decision.action === 'give-up') {
      const policy = this.options.policy ?? DEFAULT_RESTART_POLICY;
      const tail = tailFile(this.options.logFile, 20, logOffset);
      const evidence = detail?.trim() ? `\n${detail.trim()}` : tail ? `\n--- last lines ---\n${tail}` : '';
      log(
        `ERROR ${name}: ${what}; it crashed ${decision.crashes} times within ${policy.windowMs / 1000} s, giving up: ` +
          `the rest of the stack keeps running without ${name} (fix it, then restart the stack). ` +
          `Log: ${this.options.logFile}${evidence}`,
      );
      return;
    }
    log(`${name}: ${what}; restarting in ${decision.delayMs} ms`);
    const epoch = this.epoch;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (epoch !== this.epoch) return;
      const attempt = this.attempt(epoch);
      this.inFlight = attempt;
      void attempt.finally(() => {
        if (this.inFlight === attempt) this.inFlight = undefined;
      });
    }, decision.delayMs);
  }

  private async attempt(epoch: number): Promise<void> {
    const started = this.now();
    try {
      await this.options.restart();
    } catch (error) {
      if (epoch !== this.epoch) return;
      const [reason, ...detail] = (error as Error).message.split('\n');
      this.decide(`did not come back (${reason})`, 0, detail.join('\n'));
      return;
    }
    if (epoch !== this.epoch) return;
    this.options.log(`${this.options.name}: back (ready in ${((this.now() - started) / 1000).toFixed(1)} s)`);
  }
}
