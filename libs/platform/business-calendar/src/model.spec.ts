import { BusinessCalendarValidationError, validateBusinessCalendar, type CalendarIssue } from './model';
import { compileBusinessCalendar } from './business-calendar';

const issuesOf = (input: unknown): readonly CalendarIssue[] => {
  try {
    validateBusinessCalendar(input);
  } catch (error) {
    if (error instanceof BusinessCalendarValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a validation error');
};

const nineToSix = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

describe(validateBusinessCalendar.name, () => {
  it('accepts a calendar and returns a JSON round-trippable copy', () => {
    const input = {
      timeZone: 'Asia/Shanghai',
      weekly: { 1: nineToSix, 7: [{ start: '00:00', end: '24:00' }] },
      overrides: [
        { date: '2026-02-14', kind: 'workday', name: '春节调休' },
        { date: '2026-02-16', kind: 'holiday' },
        { date: '2026-03-02', kind: 'closure', windows: [{ start: '14:00', end: '15:00' }] },
      ],
    };
    const calendar = validateBusinessCalendar(JSON.parse(JSON.stringify(input)));
    expect(calendar).toEqual(input);
    expect(calendar).not.toBe(input);
    expect(validateBusinessCalendar({ timeZone: 'UTC', weekly: {} })).toEqual({ timeZone: 'UTC', weekly: {} });
  });

  it('rejects a time zone that is not an IANA name', () => {
    expect(issuesOf({ timeZone: 'Mars/Olympus_Mons', weekly: {} })).toEqual([
      { field: 'timeZone', message: expect.stringContaining("'Mars/Olympus_Mons' is not an IANA time zone") },
    ]);
    expect(issuesOf({ timeZone: '+08:00', weekly: {} })[0]?.field).toBe('timeZone');
    expect(issuesOf({ weekly: {} })[0]?.field).toBe('timeZone');
  });

  it('rejects overlapping windows, naming both', () => {
    const issues = issuesOf({
      timeZone: 'Europe/London',
      weekly: {
        2: [
          { start: '13:00', end: '17:00' },
          { start: '09:00', end: '13:30' },
        ],
      },
    });
    expect(issues).toEqual([{ field: 'weekly.2[0]', message: '13:00–17:00 overlaps weekly.2[1] (09:00–13:30)' }]);
    // touching windows are fine
    expect(() =>
      validateBusinessCalendar({
        timeZone: 'Europe/London',
        weekly: {
          2: [
            { start: '09:00', end: '12:00' },
            { start: '12:00', end: '13:00' },
          ],
        },
      }),
    ).not.toThrow();
  });

  it('rejects HH:MM out of range and start not before end', () => {
    const issues = issuesOf({
      timeZone: 'Europe/London',
      weekly: {
        1: [{ start: '24:00', end: '24:00' }],
        2: [{ start: '09:60', end: '25:00' }],
        3: [{ start: '9:00', end: '17:00' }],
        4: [{ start: '17:00', end: '09:00' }],
        5: [{ start: '00:00', end: '00:00' }],
      },
    });
    expect(issues.map((i) => i.field)).toEqual([
      'weekly.1[0].start',
      'weekly.2[0].start',
      'weekly.2[0].end',
      'weekly.3[0].start',
      'weekly.4[0]',
      'weekly.5[0].end',
    ]);
    expect(issues[0]!.message).toBe('"24:00" is not a time HH:MM from 00:00 to 23:59');
    expect(issues[4]!.message).toBe('start 17:00 must be before end 09:00');
  });

  it('rejects a duplicate override date, naming the first', () => {
    const issues = issuesOf({
      timeZone: 'Asia/Shanghai',
      weekly: { 1: nineToSix },
      overrides: [
        { date: '2026-10-01', kind: 'holiday' },
        { date: '2026-10-02', kind: 'holiday' },
        { date: '2026-10-01', kind: 'closure', windows: [{ start: '09:00', end: '10:00' }] },
      ],
    });
    expect(issues).toEqual([
      { field: 'overrides[2].date', message: '2026-10-01 already has an override (overrides[0]): one per date' },
    ]);
  });

  it('rejects malformed overrides', () => {
    const issues = issuesOf({
      timeZone: 'Asia/Shanghai',
      weekly: {},
      overrides: [
        { date: '2026-02-30', kind: 'holiday' },
        { date: '2026-03-01', kind: 'vacation' },
        { date: '2026-03-02', kind: 'closure' },
        { date: '2026-03-03', kind: 'holiday', windows: nineToSix },
        { date: '2026-03-04', kind: 'workday' },
        { date: '2026-03-05', kind: 'workday', windows: [], note: 'x' },
      ],
    });
    expect(issues.map((i) => i.field)).toEqual([
      'overrides[0].date',
      'overrides[1].kind',
      'overrides[2].windows',
      'overrides[3].windows',
      'overrides[4].windows',
      'overrides[5].note',
      'overrides[5].windows',
    ]);
    expect(issues[4]!.message).toBe('required: the calendar has no Monday windows for a workday to default to');
  });

  it('rejects unknown weekdays and fields', () => {
    const issues = issuesOf({ timeZone: 'UTC', weekly: { mon: nineToSix, 0: [] }, holidays: [] });
    expect(issues.map((i) => i.field).sort()).toEqual(['holidays', 'weekly.0', 'weekly.mon']);
    expect(issuesOf('not a calendar')).toEqual([{ field: '(root)', message: 'must be an object' }]);
  });

  it('compiling validates too', () => {
    expect(() => compileBusinessCalendar({ timeZone: 'Nowhere/Land', weekly: {} })).toThrow(
      /invalid business calendar: timeZone: 'Nowhere\/Land' is not an IANA time zone name/,
    );
  });
});
