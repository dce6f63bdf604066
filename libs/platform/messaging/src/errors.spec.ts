import { backoffMs, classifyFailure, PoisonMessageError, TransientError } from './errors';

describe(classifyFailure.name, () => {
  it('retries transient faults, dead-letters poison and gives unknown errors a few tries', () => {
    expect(classifyFailure(new TransientError('broker away'))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('could not serialize'), { code: '40001' }))).toBe('transient');
    expect(classifyFailure(new PoisonMessageError('schema', 'bad'))).toBe('poison');
    expect(classifyFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('unknown');
    expect(classifyFailure(new TypeError('x is undefined'))).toBe('unknown');
  });
});

describe(backoffMs.name, () => {
  it('grows exponentially within the cap', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(1_000, 100 * 2 ** (attempt - 1));
      const sut = backoffMs(attempt, 100, 1_000);
      expect(sut).toBeGreaterThanOrEqual(ceiling / 2);
      expect(sut).toBeLessThanOrEqual(ceiling);
    }
  });
});
