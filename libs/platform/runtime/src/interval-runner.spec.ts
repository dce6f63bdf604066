import { IntervalRunner } from './interval-runner';

describe(IntervalRunner.name, () => {
  it('runs one at a time, reports a failure and goes on, and stops after the run in progress', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let release!: () => void;
    const sut = new IntervalRunner(
      async () => {
        runs += 1;
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
        if (runs === 2) throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    const first = sut.runOnce();
    const overlapping = sut.runOnce();
    expect(runs).toBe(1);
    release();
    await Promise.all([first, overlapping]);
    await sut.runOnce();
    expect(errors).toEqual([new Error('boom')]);

    sut.start(5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sut.stop();
    const after = runs;
    expect(after).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(after);
  });
});
