import { chinaStandardCalendar, compileBusinessCalendar } from '@rapport/platform-business-calendar';
import { businessMinutesBefore, followUpCalendarOf, workingDayMinutes } from './follow-up-calendar';

describe(businessMinutesBefore.name, () => {
  const sut = compileBusinessCalendar(chinaStandardCalendar({ from: 2026, to: 2026 }));
  const at = (iso: string) => new Date(iso);

  it('counts back in working time: 30 minutes before 10:00 on a working morning is 09:30', () => {
    expect(businessMinutesBefore(sut, at('2026-12-09T10:00:00+08:00'), 30)).toEqual(at('2026-12-09T09:30:00+08:00'));
  });

  it('skips the lunch break and the night: before 13:45 is 12:00 − 15 min; before 09:15 is the day before at 17:45', () => {
    expect(businessMinutesBefore(sut, at('2026-12-09T13:45:00+08:00'), 30)).toEqual(at('2026-12-09T11:45:00+08:00'));
    expect(businessMinutesBefore(sut, at('2026-12-09T09:15:00+08:00'), 30)).toEqual(at('2026-12-08T17:45:00+08:00'));
  });

  it('reminds when the working day starts rather than the evening before, when that is still enough time', () => {
    expect(businessMinutesBefore(sut, at('2026-12-09T09:30:00+08:00'), 30)).toEqual(at('2026-12-09T09:00:00+08:00'));
  });

  it('skips weekends: 30 minutes before Monday 09:10 is Friday 17:40', () => {
    expect(businessMinutesBefore(sut, at('2026-12-07T09:10:00+08:00'), 30)).toEqual(at('2026-12-04T17:40:00+08:00'));
  });

  it('counts a due time outside working hours from the end of the last window', () => {
    expect(businessMinutesBefore(sut, at('2026-12-09T20:00:00+08:00'), 30)).toEqual(at('2026-12-09T17:30:00+08:00'));
  });

  it('gives the due time itself for zero minutes', () => {
    expect(businessMinutesBefore(sut, at('2026-12-09T20:00:00+08:00'), 0)).toEqual(at('2026-12-09T20:00:00+08:00'));
  });
});

describe(followUpCalendarOf.name, () => {
  it("defaults to China's office hours in Shanghai and refuses a document that is not a calendar, naming the variable", () => {
    expect(followUpCalendarOf(undefined).timeZone).toBe('Asia/Shanghai');
    expect(
      followUpCalendarOf(
        JSON.stringify({ timeZone: 'Europe/Berlin', weekly: { 1: [{ start: '09:00', end: '17:00' }] } }),
      ).timeZone,
    ).toBe('Europe/Berlin');
    expect(() => followUpCalendarOf('{nope')).toThrow(/INTERACTION_FOLLOW_UP_CALENDAR/);
    expect(() => followUpCalendarOf('{"weekly":{}}')).toThrow(/INTERACTION_FOLLOW_UP_CALENDAR/);
  });
});

describe(workingDayMinutes.name, () => {
  it("is the longest weekday's working time: 7.5 hours on China's office hours", () => {
    expect(workingDayMinutes(chinaStandardCalendar({ from: 2026, to: 2026 }))).toBe(450);
    expect(
      workingDayMinutes({
        timeZone: 'Europe/Berlin',
        weekly: { 1: [{ start: '09:00', end: '17:00' }], 6: [{ start: '10:00', end: '12:00' }] },
      }),
    ).toBe(480);
  });
});
