import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';

/**
 * kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch, applied by patch-package on npm install):
 * its RequestQueue scheduled a pending-request check at `throttledUntil - Date.now()` even when nothing
 * was pending and no throttle was in force. throttledUntil starts at -1, so the delay was minus a
 * timestamp: Node 24 printed a TimeoutNegativeWarning at every start, ran the check after 1 ms, and the
 * check scheduled itself again, a 1 ms loop per broker connection. These tests fail on unpatched kafkajs.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  scheduleCheckPendingRequests(): void;
  checkPendingRequests(): void;
  destroy(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueue;

// Not part of kafkajs's public API (nor typed): loaded by path, like the patch addresses it.
const RequestQueueImpl = createRequire(__filename)('kafkajs/src/network/requestQueue') as RequestQueueClass;
// Node emits warnings on its own process object, which Jest's sandbox `process` does not relay.
const nodeProcess = runInThisContext('process') as NodeJS.Process;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('kafkajs RequestQueue (patched)', () => {
  let sut: RequestQueue;
  let delays: number[];

  beforeEach(() => {
    sut = new RequestQueueImpl({
      maxInFlightRequests: 1,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'test',
      broker: 'localhost:9092',
      logger: silent,
    });
    delays = [];
    const realSetTimeout = global.setTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout);
  });

  afterEach(() => {
    sut.destroy();
    jest.restoreAllMocks();
  });

  it('schedules no timer, so no negative one and no TimeoutNegativeWarning, when nothing is pending and nothing throttles', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    nodeProcess.on('warning', onWarning);
    try {
      sut.scheduleCheckPendingRequests();
      sut.checkPendingRequests();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      nodeProcess.off('warning', onWarning);
    }

    expect(delays.filter((ms) => ms < 0)).toEqual([]);
    expect(sut.throttleCheckTimeoutId).toBeNull();
    expect(warnings.filter((w) => w.startsWith('TimeoutNegativeWarning'))).toEqual([]);
  });

  it('still checks a waiting request when the throttle ends', () => {
    sut.pending.push({});
    sut.throttledUntil = Date.now() + 5_000;

    sut.scheduleCheckPendingRequests();

    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(4_000);
    expect(delays[0]).toBeLessThanOrEqual(5_000);
  });

  it('still checks a waiting request soon when no throttle is in force', () => {
    sut.pending.push({});

    sut.scheduleCheckPendingRequests();

    expect(delays).toEqual([10]);
  });
});
