/**
 * Nelder–Mead downhill simplex (Nelder & Mead 1965, with the standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½), minimising f over ℝⁿ. Bounds are the caller's business: map
 * each parameter through a bounded transform (the forecasts use the logistic function). Stops when the
 * values across the simplex agree within `tolerance` (relative), when the simplex is smaller than
 * `xTolerance` in every coordinate, or after `maxIterations`.
 *
 * Hand-written: npm has no well-kept optimiser that fits (`fmin` 0.0.4 is untyped and unmaintained since
 * 2017, `optimization-js` drags in a numeric stack), and this one is some forty lines with a spec.
 */
export interface MinimumFound {
  x: number[];
  value: number;
  iterations: number;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  { step = 0.5, maxIterations = 200 * start.length, tolerance = 1e-10, xTolerance = 0 } = {},
): MinimumFound {
  const n = start.length;
  const simplex: { x: number[]; value: number }[] = [{ x: [...start], value: f(start) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push({ x, value: f(x) });
  }
  const along = (from: readonly number[], to: readonly number[], t: number) =>
    from.map((value, i) => value + t * (to[i]! - value));

  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    // the simplex has shrunk to a point: the values are flat or noisy below the resolution asked for
    let diameter = 0;
    for (let i = 1; i <= n; i++)
      for (let j = 0; j < n; j++) diameter = Math.max(diameter, Math.abs(simplex[i]!.x[j]! - best.x[j]!));
    if (diameter <= xTolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + simplex[i]!.x[j]! / n;

    const reflected = along(centroid, worst.x, -1);
    const reflectedValue = f(reflected);
    if (reflectedValue < best.value) {
      const expanded = along(centroid, worst.x, -2);
      const expandedValue = f(expanded);
      simplex[n] =
        expandedValue < reflectedValue
          ? { x: expanded, value: expandedValue }
          : { x: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < simplex[n - 1]!.value) {
      simplex[n] = { x: reflected, value: reflectedValue };
      continue;
    }
    // contract towards the better of the worst point and its reflection
    const outside = reflectedValue < worst.value;
    const contracted = along(centroid, outside ? reflected : worst.x, 0.5);
    const contractedValue = f(contracted);
    if (contractedValue < Math.min(worst.value, reflectedValue)) {
      simplex[n] = { x: contracted, value: contractedValue };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const x = along(best.x, simplex[i]!.x, 0.5);
      simplex[i] = { x, value: f(x) };
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return { x: simplex[0]!.x, value: simplex[0]!.value, iterations };
}
