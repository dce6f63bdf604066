import { VerifiedTokenCache } from './verified-token-cache';

describe(VerifiedTokenCache.name, () => {
  it('answers a token it was given until its exp, and nothing after', () => {
    let now = 1_000_000;
    const sut = new VerifiedTokenCache<string>(10, () => now);
    sut.set('token-a', 'alice', 1_060); // exp = 1 060 s = 1 060 000 ms
    expect(sut.get('token-a')).toBe('alice');
    expect(sut.get('token-b')).toBeUndefined();
    now = 1_059_999;
    expect(sut.get('token-a')).toBe('alice');
    now = 1_060_000;
    expect(sut.get('token-a')).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('keeps no token without exp, nor one already expired', () => {
    const sut = new VerifiedTokenCache<string>(10, () => 5_000);
    sut.set('no-exp', 'x', undefined);
    sut.set('expired', 'y', 5);
    expect(sut.get('no-exp')).toBeUndefined();
    expect(sut.get('expired')).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('drops the oldest entry past its bound', () => {
    const sut = new VerifiedTokenCache<number>(2, () => 0);
    sut.set('a', 1, 100);
    sut.set('b', 2, 100);
    sut.set('c', 3, 100);
    expect([sut.get('a'), sut.get('b'), sut.get('c')]).toEqual([undefined, 2, 3]);
  });
});
