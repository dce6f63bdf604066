import { csat, mean, nps } from './survey-scores';

const counts = (...scores: number[]) => {
  const map = new Map<number, number>();
  for (const s of scores) map.set(s, (map.get(s) ?? 0) + 1);
  return map;
};

describe('survey scores', () => {
  it('gives the NPS a hand count gives: ten answers, 5 promoters, 3 passives, 2 detractors → 30', () => {
    const result = nps(counts(10, 9, 9, 10, 9, 8, 7, 8, 6, 0));
    expect(result).toMatchObject({ score: 30, promoters: 5, passives: 3, detractors: 2, n: 10 });
    // var = (0.5 + 0.2 − 0.09) / 10 = 0.061; 1.96 × √0.061 = 0.484
    expect(result!.ci95Low).toBeCloseTo(-18.4, 1);
    expect(result!.ci95High).toBeCloseTo(78.4, 1);
  });

  it('puts 0 and 6 with the detractors and 7 and 8 with the passives; an all-promoter NPS is 100 with its interval clamped', () => {
    expect(nps(counts(0, 6, 7, 8))).toMatchObject({ score: -50, detractors: 2, passives: 2, promoters: 0 });
    expect(nps(counts(10, 10, 9))).toMatchObject({ score: 100, ci95High: 100 });
    expect(nps(new Map())).toBeNull();
  });

  it('reports an NPS of 0 as 0, not as nothing', () => {
    expect(nps(counts(10, 0, 8))!.score).toBe(0);
  });

  it('counts CSAT as the share of 4 and 5, and the mean', () => {
    expect(csat(counts(5, 4, 3, 1))).toEqual({ percent: 50, satisfied: 2, n: 4 });
    expect(mean(counts(5, 4, 3, 1))).toBe(3.25);
    expect(csat(new Map())).toBeNull();
    expect(mean(new Map())).toBeNull();
  });
});
