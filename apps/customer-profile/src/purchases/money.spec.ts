import { Money } from './money';

describe(Money.name, () => {
  it('parses numbers and strings exactly and prints at least two decimals', () => {
    expect(Money.parse(88.5).toString()).toBe('88.50');
    expect(Money.parse('177').toString()).toBe('177.00');
    expect(Money.parse('0.1').add(Money.parse('0.2')).toString()).toBe('0.30');
    expect(Money.parse('1.2345').toString()).toBe('1.2345');
  });

  it('rejects more than four decimals and non-decimals', () => {
    expect(() => Money.parse('1.23456')).toThrow(RangeError);
    expect(() => Money.parse('1e5')).toThrow(RangeError);
    expect(Money.isValid('12.50')).toBe(true);
    expect(Money.isValid('abc')).toBe(false);
  });

  it('multiplies by a quantity or a rate, rounding half away from zero', () => {
    const sut = Money.parse('3.33');
    expect(sut.times('3').toString()).toBe('9.99');
    expect(Money.parse('0.0001').times('0.5').toString()).toBe('0.0001');
    expect(Money.parse('10').times('0.048').toString()).toBe('0.48');
    expect(Money.parse('-0.0001').times('0.5').toString()).toBe('-0.0001');
  });

  it('compares, subtracts and gives ratios', () => {
    const sut = Money.parse('25.55');
    expect(sut.subtract(Money.parse('25.55')).isZero()).toBe(true);
    expect(sut.compare(Money.parse('25.56'))).toBe(-1);
    expect(Money.parse('10').ratio(sut)).toBeCloseTo(10 / 25.55, 8);
  });
});
