import { nelderMead } from './nelder-mead';

const rosenbrock = ([x, y]: number[]) => (1 - x!) ** 2 + 100 * (y! - x! ** 2) ** 2;

describe(nelderMead.name, () => {
  it('finds the minimum of Rosenbrock’s valley at (1, 1) and says when it ran out of iterations', () => {
    const sut = nelderMead(rosenbrock, [-1.2, 1]);
    expect(sut.converged).toBe(true);
    expect(sut.x[0]).toBeCloseTo(1, 5);
    expect(sut.x[1]).toBeCloseTo(1, 5);
    expect(sut.fx).toBeLessThan(1e-9);
    expect(nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5 }).converged).toBe(false);
  });

  it('stops on either tolerance with stopWhen any, on both by default', () => {
    // a coarse x tolerance is met long before the values agree to 1e-10
    const either = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 0.5, stopWhen: 'any' });
    const both = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 0.5 });
    expect(either.converged).toBe(true);
    expect(either.iterations).toBeLessThan(both.iterations);
    expect(both.x[0]).toBeCloseTo(1, 4);
  });

  it('treats a non-finite value as +∞, so a caller bounds the search by answering NaN outside', () => {
    const sut = nelderMead(([x]) => (x! < 0 ? Number.NaN : (x! - 2) ** 2), [1]);
    expect(sut.converged).toBe(true);
    expect(sut.x[0]).toBeCloseTo(2, 6);
  });
});
