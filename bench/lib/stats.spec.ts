import { latency, percentile, ratio, timedRuns } from './stats';

describe('benchmark statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 95)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([], 50)).toBe(0);
    expect(latency([1.04, 2, 3])).toEqual({ p50: 2, p95: 3 });
    expect(ratio(2, 3)).toBe(0.67);
  });

  it('times each request after the untimed warm-up calls and returns the times ascending', async () => {
    const calls: number[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const times = await timedRuns(
      async (i) => {
        calls.push(i);
        await sleep(calls.length === 3 ? 40 : 1); // the first timed call is the slow one
      },
      { requests: 3, warmUp: 2 },
    );
    expect(calls).toEqual([0, 1, 0, 1, 2]);
    expect(times).toHaveLength(3);
    expect(times[2]).toBeGreaterThanOrEqual(35);
    expect(times[0]).toBeLessThan(35);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
