/** The p-th percentile (0–100) of ascending values by the nearest-rank method; 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** A ratio to two decimals, as the benchmarks print them against their bounds. */
export const ratio = (value: number, bound: number): number => Number((value / bound).toFixed(2));

/** p50 and p95 of ascending times in ms, to 0.1 ms. */
export const latency = (sorted: readonly number[]): { p50: number; p95: number } => ({
  p50: round(percentile(sorted, 50)),
  p95: round(percentile(sorted, 95)),
});

/**
 * `requests` sequential calls of `run(i)`, each timed, after `warmUp` untimed ones (`run(0)` … `run(warmUp − 1)`):
 * the times in ms, ascending.
 */
export async function timedRuns(
  run: (i: number) => Promise<void>,
  { requests, warmUp = 1 }: { requests: number; warmUp?: number },
): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}
