import { addition, creation, normalOverrides, normalWeekly, replacement, type CalendarState } from './calendar-model';

describe('business calendar changes', () => {
  const base: CalendarState = {
    name: 'shanghai-office',
    timeZone: 'Asia/Shanghai',
    weekly: { 1: [{ start: '09:00', end: '18:00' }], 6: [] },
    overrides: [
      { date: '2027-02-08', kind: 'holiday', name: '春节' },
      { date: '2027-02-06', kind: 'workday', windows: [{ start: '09:00', end: '12:00' }] },
    ],
  };

  it('normalises: {start, end} order, empty days dropped, overrides by date', () => {
    // PostgreSQL's jsonb puts "end" before "start"
    expect(JSON.stringify(normalWeekly({ 1: [{ end: '18:00', start: '09:00' } as never], 6: [] }))).toBe(
      '{"1":[{"start":"09:00","end":"18:00"}]}',
    );
    expect(normalOverrides(base.overrides).map((o) => o.date)).toEqual(['2027-02-06', '2027-02-08']);
  });

  it('records a creation whole', () => {
    expect(creation(base)).toEqual({
      kind: 'created',
      name: 'shanghai-office',
      timeZone: 'Asia/Shanghai',
      weekly: { 1: [{ start: '09:00', end: '18:00' }] },
      overridesSet: normalOverrides(base.overrides),
      overridesRemoved: [],
    });
  });

  it('records what a replacement changes, and nothing for the same calendar', () => {
    expect(replacement(base, { ...base, overrides: [...base.overrides].reverse() })).toBeUndefined();
    const change = replacement(base, {
      ...base,
      name: 'shanghai',
      overrides: [
        { date: '2027-02-08', kind: 'holiday', name: '春节 Spring Festival' },
        { date: '2027-02-09', kind: 'holiday' },
      ],
    });
    expect(change).toEqual({
      kind: 'replaced',
      name: 'shanghai',
      overridesSet: [
        { date: '2027-02-08', kind: 'holiday', name: '春节 Spring Festival' },
        { date: '2027-02-09', kind: 'holiday' },
      ],
      overridesRemoved: ['2027-02-06'],
    });
  });

  it('records the overrides a batch adds or changes', () => {
    expect(addition(base.overrides, [{ date: '2027-02-08', kind: 'holiday', name: '春节' }])).toBeUndefined();
    expect(
      addition(base.overrides, [
        { date: '2027-02-08', kind: 'holiday', name: '春节' },
        { date: '2027-02-20', kind: 'closure', windows: [{ start: '14:00', end: '15:00' }] },
      ]),
    ).toEqual({
      kind: 'overrides-added',
      overridesSet: [{ date: '2027-02-20', kind: 'closure', windows: [{ start: '14:00', end: '15:00' }] }],
      overridesRemoved: [],
    });
  });
});
