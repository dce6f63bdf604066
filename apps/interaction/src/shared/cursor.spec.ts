import { encodeCursor } from '@rapport/platform-http';
import { decodePosition, encodePosition, isPgInstant } from './cursor';

describe(isPgInstant.name, () => {
  it('takes what PostgreSQL prints for a timestamptz', () => {
    expect(isPgInstant('2026-10-05 02:00:00+00')).toBe(true);
    expect(isPgInstant('2026-10-05 10:00:00.123456+08')).toBe(true);
    expect(isPgInstant('2024-02-29 23:59:59-05:30')).toBe(true);
  });

  it('refuses what would make PostgreSQL fail: no such day, hour or month, another format', () => {
    for (const value of [
      '2026-02-29 10:00:00+00',
      '2026-13-01 10:00:00+00',
      '2026-10-05 24:00:00+00',
      '2026-10-05T02:00:00Z',
      '9999-99-99 99:99:99+00',
      '',
    ])
      expect(isPgInstant(value)).toBe(false);
  });
});

describe(decodePosition.name, () => {
  const id = '6d4015a7-0c1e-4c5b-9a51-2f1c3b7d9e10';

  it('reads back what it wrote, for the same sort only', () => {
    const cursor = encodePosition('-occurredAt', { at: '2026-10-05 02:00:00+00', id });
    expect(decodePosition(cursor, '-occurredAt')).toEqual({ at: '2026-10-05 02:00:00+00', id });
    expect(decodePosition(cursor, 'dueAt')).toBeUndefined();
  });

  it('refuses a forged cursor whose id is not a uuid or whose key is not an instant', () => {
    expect(decodePosition(encodeCursor('x', '2026-10-05 02:00:00+00', '-'.repeat(36)), 'x')).toBeUndefined();
    expect(decodePosition(encodeCursor('x', '2026-02-30 02:00:00+00', id), 'x')).toBeUndefined();
    expect(decodePosition(encodeCursor('x', 17, id), 'x')).toBeUndefined();
    expect(decodePosition('not-a-cursor', 'x')).toBeUndefined();
  });
});
