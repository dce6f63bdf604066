/**
 * Exact decimal arithmetic for money: amounts are bigints scaled by 10^4 (the numeric(18,4) of the
 * tables), so nothing is ever summed as a float. Strings in, strings out.
 */
export const MONEY_SCALE = 4;
const FACTOR = 10n ** BigInt(MONEY_SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class Money {
  private constructor(readonly units: bigint) {}

  static readonly zero = new Money(0n);

  /** Parses "88.5", "177.00" or a JS number written without exponent; more than 4 decimals is an error. */
  static parse(value: string | number): Money {
    const text = typeof value === 'number' ? String(value) : value;
    const match = DECIMAL.exec(text);
    if (!match) throw new RangeError(`not a decimal amount: ${text}`);
    const fraction = match[3] ?? '';
    if (fraction.length > MONEY_SCALE) throw new RangeError(`more than ${MONEY_SCALE} decimals: ${text}`);
    const units = BigInt(match[2]!) * FACTOR + BigInt(fraction.padEnd(MONEY_SCALE, '0') || '0');
    return new Money(match[1] ? -units : units);
  }

  static isValid(value: unknown, maxDecimals = MONEY_SCALE): boolean {
    if (typeof value !== 'string' && typeof value !== 'number') return false;
    const match = DECIMAL.exec(String(value));
    return !!match && (match[3] ?? '').length <= maxDecimals;
  }

  add(other: Money): Money {
    return new Money(this.units + other.units);
  }

  subtract(other: Money): Money {
    return new Money(this.units - other.units);
  }

  /** Multiplies by an exact decimal factor (a quantity or an exchange rate), rounding half away from zero. */
  times(factor: string | number): Money {
    const text = typeof factor === 'number' ? String(factor) : factor;
    const match = DECIMAL.exec(text);
    if (!match) throw new RangeError(`not a decimal factor: ${text}`);
    const fraction = match[3] ?? '';
    const scale = 10n ** BigInt(fraction.length);
    const numerator = BigInt(match[2]! + fraction) * (match[1] ? -1n : 1n);
    return new Money(divideRounded(this.units * numerator, scale));
  }

  /** this / other as a JS number, for ratios such as the refunded fraction. */
  ratio(other: Money): number {
    if (other.units === 0n) return 0;
    return Number((this.units * 1_000_000_000n) / other.units) / 1_000_000_000;
  }

  compare(other: Money): number {
    return this.units < other.units ? -1 : this.units > other.units ? 1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  /** "177.00": at least two decimals, up to four when they carry information. */
  toString(): string {
    const negative = this.units < 0n;
    const abs = negative ? -this.units : this.units;
    const whole = abs / FACTOR;
    let fraction = (abs % FACTOR).toString().padStart(MONEY_SCALE, '0');
    while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
    return `${negative ? '-' : ''}${whole}.${fraction}`;
  }
}

function divideRounded(value: bigint, divisor: bigint): bigint {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const rounded = (abs * 2n + divisor) / (divisor * 2n);
  return negative ? -rounded : rounded;
}
