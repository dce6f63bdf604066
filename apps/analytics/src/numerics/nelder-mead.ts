export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

export interface NelderMeadOptions {
  maxIterations: number;
  /** The simplex's values within fTolerance · (1 + |best|) of the best value. */
  fTolerance: number;
  /** Its vertices' coordinates within xTolerance of the best vertex's. */
  xTolerance: number;
  /**
   * 'all': converged only when both tolerances hold (a fit that must say whether it converged, the CLV
   * models); 'any': when either holds (a least-squares fit where a flat or noisy objective is fine).
   */
  stopWhen: 'all' | 'any';
  /** Size of the first simplex's steps from the start, per coordinate. */
  step: number;
}

const NM_DEFAULTS: NelderMeadOptions = {
  maxIterations: 4000,
  fTolerance: 1e-10,
  xTolerance: 1e-8,
  stopWhen: 'all',
  step: 0.5,
};

/**
 * Nelder–Mead (standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½), minimising f.
 * The CLV fits and the forecasts' Holt-Winters fit use it. Hand-written: the npm candidates are
 * unmaintained (fmin, last release 2017) or drag in a numeric stack (optimization-js); the method is
 * 50 lines and its stopping rule matters here (an explicit "did not converge"). A non-finite
 * f(x) counts as +∞, so callers can express bounds by answering NaN/∞ outside them.
 */
export function nelderMead(f: (x: number[]) => number, start: number[], options: Partial<NelderMeadOptions> = {}) {
  const { maxIterations, fTolerance, xTolerance, stopWhen, step } = { ...NM_DEFAULTS, ...options };
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
  const combine = (from: readonly number[], to: readonly number[], t: number) =>
    from.map((v, i) => v + t * (to[i]! - v));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const fSpread = Math.abs(worst.fx - best.fx);
    const xSpread = Math.max(...simplex.slice(1).map((p) => Math.max(...p.x.map((v, i) => Math.abs(v - best.x[i]!)))));
    const [fDone, xDone] = [fSpread <= fTolerance * (1 + Math.abs(best.fx)), xSpread <= xTolerance];
    if (Number.isFinite(best.fx) && (stopWhen === 'all' ? fDone && xDone : fDone || xDone))
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
