import { CrashHistory, Supervisor } from './supervision';

describe(CrashHistory.name, () => {
  it('backs off 0.5 s, 1 s, 2 s, 4 s and gives up at the fifth crash within 60 s', () => {
    const sut = new CrashHistory();
    expect([0, 1_000, 2_000, 3_000].map((at) => sut.record(at))).toEqual([
      { action: 'restart', delayMs: 500, crashes: 1 },
      { action: 'restart', delayMs: 1_000, crashes: 2 },
      { action: 'restart', delayMs: 2_000, crashes: 3 },
      { action: 'restart', delayMs: 4_000, crashes: 4 },
    ]);
    expect(sut.record(59_999)).toEqual({ action: 'give-up', crashes: 5 });
  });

  it('forgets crashes older than the window and caps the delay', () => {
    const sut = new CrashHistory({ initialDelayMs: 500, maxDelayMs: 3_000, maxCrashes: 10, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) sut.record(i);
    expect(sut.record(10)).toEqual({ action: 'restart', delayMs: 3_000, crashes: 5 });
    expect(sut.record(70_000)).toEqual({ action: 'restart', delayMs: 500, crashes: 1 });
  });

  it('starts counting again after reset()', () => {
    const sut = new CrashHistory();
    for (let i = 0; i < 4; i++) sut.record(i);
    sut.reset();
    expect(sut.record(5)).toEqual({ action: 'restart', delayMs: 500, crashes: 1 });
  });
});

describe(Supervisor.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setUp = (restart: () => Promise<void>) => {
    const lines: string[] = [];
    const sut = new Supervisor({
      name: 'loyalty',
      log: (line) => lines.push(line),
      logFile: '/nonexistent/loyalty.log',
      restart,
    });
    return { sut, lines };
  };

  it('says what happened, restarts after the delay and says when it is back', async () => {
    const restart = jest.fn(async () => undefined);
    const { sut, lines } = setUp(restart);
    sut.crashed({ code: null, signal: 'SIGKILL' });
    expect(lines).toEqual(['loyalty: exited unexpectedly (code null, signal SIGKILL); restarting in 500 ms']);
    await jest.advanceTimersByTimeAsync(499);
    expect(restart).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(restart).toHaveBeenCalledTimes(1);
    expect(lines[1]).toMatch(/^loyalty: back \(ready in \d+\.\d s\)$/);
  });

  it('retries a restart that fails, with a longer delay, and gives up loudly naming the log', async () => {
    const restart = jest.fn(async () => {
      throw new Error('loyalty exited during start-up\nmore lines');
    });
    const { sut, lines } = setUp(restart);
    sut.crashed({ code: 1, signal: null });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(restart).toHaveBeenCalledTimes(4);
    expect(lines.slice(0, 2)).toEqual([
      'loyalty: exited unexpectedly (code 1, signal null); restarting in 500 ms',
      'loyalty: did not come back (loyalty exited during start-up); restarting in 1000 ms',
    ]);
    expect(lines.at(-1)).toMatch(
      /^ERROR loyalty: did not come back .*crashed 5 times within 60 s, giving up.*Log: \/nonexistent\/loyalty\.log\nmore lines$/,
    );
  });

  it('drops a pending restart when a deliberate stop or start cancels it', async () => {
    const restart = jest.fn(async () => undefined);
    const { sut, lines } = setUp(restart);
    sut.crashed({ code: null, signal: 'SIGKILL' });
    await sut.cancel();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(restart).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
  });

  it('ends a restart under way silently when it is cancelled meanwhile', async () => {
    let fail!: (error: Error) => void;
    const restart = jest.fn(() => new Promise<void>((_, reject) => (fail = reject)));
    const { sut, lines } = setUp(restart);
    sut.crashed({ code: null, signal: 'SIGKILL' });
    await jest.advanceTimersByTimeAsync(500);
    const cancelled = sut.cancel();
    fail(new Error('stopped'));
    await cancelled;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(restart).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(1);
  });
});
