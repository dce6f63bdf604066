import { CalendarsException } from './calendars.exception';
import { parseInstant } from './instants';

describe('parseInstant', () => {
  it('takes an ISO 8601 instant with an offset or Z', () => {
    expect(parseInstant('2026-02-14T17:00:00+08:00', 'from').toISOString()).toBe('2026-02-14T09:00:00.000Z');
    expect(parseInstant('2026-02-14T09:00:00Z', 'from').toISOString()).toBe('2026-02-14T09:00:00.000Z');
    expect(parseInstant('2028-02-29T23:59:59-12:00', 'from').toISOString()).toBe('2028-03-01T11:59:59.000Z');
    expect(parseInstant('2026-03-29T00:30:00.250-04:00', 'to').toISOString()).toBe('2026-03-29T04:30:00.250Z');
  });

  it.each([
    '2026-02-14T17:00:00',
    '2026-02-14T09:00Z',
    '2027-02-29T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-02-14 17:00:00Z',
    '2026-02-14',
    '2026-02-30T10:00:00Z',
    '2026-02-14T24:00:00Z',
    '2026-02-14T17:00:00+24:00',
    '1969-12-31T23:59:59Z',
    '2200-01-01T00:00:00Z',
    'now',
    '',
  ])('refuses %j naming the field', (value) => {
    try {
      parseInstant(value, 'from');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarsException);
      expect((error as CalendarsException).toProblem()).toMatchObject({
        code: 'invalid-instant',
        errors: [{ field: 'from' }],
      });
    }
  });

  it('says how to write + in a URL when it arrived as a space', () => {
    expect(() => parseInstant('2026-02-14T17:00:00 08:00', 'from')).toThrow(/%2B/);
  });
});
