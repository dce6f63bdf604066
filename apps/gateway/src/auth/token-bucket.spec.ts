import { TokenBuckets } from './token-bucket';

describe(TokenBuckets.name, () => {
  it('allows a burst, then refuses until tokens refill at the given rate', () => {
    let now = 0;
    const sut = new TokenBuckets(2, 3, () => now);
    expect([1, 2, 3].map(() => sut.take('client-a').allowed)).toEqual([true, true, true]);
    const refused = sut.take('client-a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    now += 500; // half a second at 2 tokens/s = one token
    expect(sut.take('client-a').allowed).toBe(true);
    expect(sut.take('client-a').allowed).toBe(false);
  });

  it('keeps one bucket per client', () => {
    const sut = new TokenBuckets(1, 1, () => 0);
    expect(sut.take('a').allowed).toBe(true);
    expect(sut.take('a').allowed).toBe(false);
    expect(sut.take('b').allowed).toBe(true);
  });

  it('never holds more than the burst', () => {
    let now = 0;
    const sut = new TokenBuckets(10, 2, () => now);
    now += 60_000;
    expect(sut.take('a').remaining).toBe(1);
  });
});
