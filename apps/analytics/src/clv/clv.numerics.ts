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

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

export interface NelderMeadOptions {
  maxIterations: number;
  /** Converged when the simplex's values and its vertices' coordinates are all within these of the best. */
  fTolerance: number;
  xTolerance: number;
  /** Size of the first simplex's steps from the start, per coordinate. */
  step: number;
}

const NM_DEFAULTS: NelderMeadOptions = { maxIterations: 4000, fTolerance: 1e-10, xTolerance: 1e-8, step: 0.5 };

/**
 * Nelder–Mead (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½), minimising f.
 * Hand-written: the npm candidates are unmaintained (fmin, last release 2017) or barely used; the
 * method is 50 lines and its stopping rule matters here (an explicit "did not converge"). A non-finite
 * f(x) counts as +∞, so callers can express bounds by answering NaN/∞ outside them.
 */
export function nelderMead(f: (x: number[]) => number, start: number[], options: Partial<NelderMeadOptions> = {}) {
  const { maxIterations, fTolerance, xTolerance, step } = { ...NM_DEFAULTS, ...options };
  const n = start.length;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: Array<{ x: number[]; fx: number }> = [{ x: [...start], fx: value(start) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push({ x, fx: value(x) });
  }
  const combine = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const fSpread = Math.abs(worst.fx - best.fx);
    const xSpread = Math.max(...simplex.slice(1).map((p) => Math.max(...p.x.map((v, i) => Math.abs(v - best.x[i]!)))));
    if (Number.isFinite(best.fx) && fSpread <= fTolerance * (1 + Math.abs(best.fx)) && xSpread <= xTolerance)
      return { x: best.x, fx: best.fx, iterations, converged: true } satisfies NelderMeadResult;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += simplex[k]!.x[i]! / n;
    const reflected = combine(centroid, worst.x, -1);
    const fr = value(reflected);
    if (fr < best.fx) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
    } else if (fr < simplex[n - 1]!.fx) {
      simplex[n] = { x: reflected, fx: fr };
    } else {
      const outside = fr < worst.fx;
      const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
      const fc = value(contracted);
      if (fc < (outside ? fr : worst.fx)) simplex[n] = { x: contracted, fx: fc };
      else
        simplex = simplex.map((p, k) => {
          if (k === 0) return p;
          const x = combine(best.x, p.x, 0.5);
          return { x, fx: value(x) };
        });
    }
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, iterations, converged: false } satisfies NelderMeadResult;
}
