/** Money as integers: decimal strings with up to 4 decimals become bigint units of 1/10 000. */
export const SCALE = 10_000n;

export function parseDecimal(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(value);
  if (!match) throw new Error(`not a decimal amount: ${value}`);
  const [, sign, whole, fraction = ''] = match;
  const scaled = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(4, '0'));
  return sign === '-' ? -scaled : scaled;
}

export function formatDecimal(value: bigint, decimals = 2): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(4, '0').slice(0, decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}
