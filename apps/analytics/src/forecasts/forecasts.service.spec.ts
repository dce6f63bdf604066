import { denseSeries, MAX_SERIES, nextPeriod, OTHER_KEY } from './forecasts.service';

describe('forecast series', () => {
  describe(nextPeriod.name, () => {
    it('steps a week or a calendar month, across the year', () => {
      expect(nextPeriod('2026-12-28', 'week')).toBe('2027-01-04');
      expect(nextPeriod('2026-12-01', 'month')).toBe('2027-01-01');
      expect(nextPeriod('2027-01-01', 'month')).toBe('2027-02-01');
      expect(nextPeriod('2024-02-26', 'week')).toBe('2024-03-04'); // a leap year
    });
  });

  describe(denseSeries.name, () => {
    it('fills the periods without purchases with 0, from the key’s first period to the end (excluded)', () => {
      const sut = denseSeries(
        [
          { key: 'tea', period: '2026-01-05', value: 3 },
          { key: 'tea', period: '2026-01-19', value: 4.5 },
          { key: 'pots', period: '2026-01-26', value: 2 },
        ],
        '2026-02-02',
        'week',
      );
      expect(sut).toEqual([
        { key: 'tea', periods: ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26'], values: [3, 0, 4.5, 0] },
        { key: 'pots', periods: ['2026-01-26'], values: [2] },
      ]);
    });

    it(`keeps the ${MAX_SERIES} largest series and sums the rest into ${OTHER_KEY}`, () => {
      // key k sells k + 1 in January and, for the two smallest, also something in February
      const rows = Array.from({ length: MAX_SERIES + 2 }, (_, k) => ({
        key: `k${String(k).padStart(2, '0')}`,
        period: '2026-01-01',
        value: k + 1,
      }));
      rows.push({ key: 'k00', period: '2026-02-01', value: -0.25 }, { key: 'k01', period: '2026-02-01', value: 0.5 });
      const sut = denseSeries(rows, '2026-03-01', 'month');
      expect(sut).toHaveLength(MAX_SERIES + 1);
      expect(sut[0]!.key).toBe(`k${MAX_SERIES + 1}`);
      expect(sut.at(-1)).toEqual({ key: OTHER_KEY, periods: ['2026-01-01', '2026-02-01'], values: [1 + 2, 0.25] });
    });
  });
});
