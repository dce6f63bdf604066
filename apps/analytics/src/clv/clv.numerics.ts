import gammaln from '@stdlib/math-base-special-gammaln';

/** ln Γ(x) for x > 0 (stdlib's implementation, the one scipy's and Cephes' lgamma follow). */
export const lnGamma: (x: number) => number = gammaln;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, by its power
 * series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ. With positive a, b, c and z every term is positive, so the sum has
 * no cancellation and stops when a term no longer changes it in double precision; the terms' ratio
 * tends to z, so z close to 1 takes more terms (z = 0.99 about 4,000). BG/NBD only calls it with
 * z = t / (α + T + t) < 1. Throws rather than answer a value it did not converge to.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number {
  if (!(a > 0 && b > 0 && c > 0)) throw new RangeError(`hyp2f1 needs a, b, c > 0 (got ${a}, ${b}, ${c})`);
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 <= z < 1 (got ${z})`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    const next = sum + term;
    // Past the terms' peak (n > a + b - c) they shrink at least geometrically: stop when one is lost in the sum.
    if (next === sum && n > a + b - c) return sum;
    sum = next;
    if (!Number.isFinite(sum)) break;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge`);
}
