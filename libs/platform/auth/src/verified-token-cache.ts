/**
 * Remembers what a signed token said once its signature and claims were verified, until the token
 * expires: verifying the same bearer token (or gateway identity) on every request costs an RSA or HMAC
 * check through WebCrypto each time, the largest single cost of a read through the gateway (issue 18).
 *
 * Only successes are kept, keyed by the whole token string (a different token, however similar, is
 * verified afresh), and an entry is dropped at the token's `exp` — never later than the verifier
 * itself would refuse it. Bounded: past `maxEntries` the oldest entry goes (Map keeps insertion order).
 * Hand-written: a map with an expiry per entry and a size bound is all this needs.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** `expiresAtSeconds`: the token's `exp` claim; a token without one is not cached. */
  set(token: string, value: T, expiresAtSeconds: number | undefined): void {
    if (expiresAtSeconds === undefined || !Number.isFinite(expiresAtSeconds)) return;
    this.setUntil(token, value, expiresAtSeconds * 1000);
  }

  /** Kept until `expiresAtMs` (epoch milliseconds). */
  setUntil(token: string, value: T, expiresAtMs: number): void {
    if (this.now() >= expiresAtMs) return;
    this.entries.delete(token);
    this.entries.set(token, { value, expiresAtMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
