import { performance } from 'node:perf_hooks';

/**
 * Wall time per named step of a long job, in whole milliseconds, kept on the job's row (scoring runs,
 * recommendation builds) so that where the time goes can be read after the fact.
 */
export class StepTimer {
  readonly timings: Record<string, number> = {};

  async time<T>(step: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.timings[step] = Math.round(performance.now() - started);
    }
  }
}
