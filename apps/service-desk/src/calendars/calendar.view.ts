import type {
  BusinessCalendarSummaryView,
  BusinessCalendarView,
  CalendarOverrideDto,
  CalendarVersionView,
  WeeklyScheduleDto,
} from '@rapport/contracts';
import type { CalendarOverride, WeeklySchedule } from '@rapport/platform-business-calendar';
import type { CalendarRecord, CalendarSummaryRecord, CalendarVersionRecord } from './calendars.repository';
import type { CalendarWithOverrides } from './calendars.service';

function weeklyView(weekly: WeeklySchedule): WeeklyScheduleDto {
  return weekly as WeeklyScheduleDto;
}

function overridesView(overrides: readonly CalendarOverride[]): CalendarOverrideDto[] {
  return overrides.map((o) => ({
    date: o.date,
    kind: o.kind,
    ...(o.windows ? { windows: o.windows.map((w) => ({ start: w.start, end: w.end })) } : {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
  }));
}

function recordView(calendar: CalendarRecord) {
  return {
    id: calendar.id,
    name: calendar.name,
    timeZone: calendar.timeZone,
    weekly: weeklyView(calendar.weekly),
  };
}

function stampsView(calendar: CalendarRecord) {
  return {
    version: calendar.version,
    createdAt: calendar.createdAt.toISOString(),
    updatedAt: calendar.updatedAt.toISOString(),
    updatedBy: calendar.updatedBy,
  };
}

export function toSummaryView(calendar: CalendarSummaryRecord): BusinessCalendarSummaryView {
  return {
    ...recordView(calendar),
    overrideCount: calendar.overrideCount,
    firstOverrideDate: calendar.firstOverrideDate,
    lastOverrideDate: calendar.lastOverrideDate,
    ...stampsView(calendar),
  };
}

export function toCalendarView({ calendar, overrides }: CalendarWithOverrides): BusinessCalendarView {
  return {
    ...recordView(calendar),
    overrideCount: overrides.length,
    firstOverrideDate: overrides[0]?.date ?? null,
    lastOverrideDate: overrides[overrides.length - 1]?.date ?? null,
    ...stampsView(calendar),
    overrides: overridesView(overrides),
  };
}

export function toVersionView(entry: CalendarVersionRecord): CalendarVersionView {
  const { change } = entry;
  return {
    version: entry.version,
    at: entry.at.toISOString(),
    actor: entry.actor,
    change: {
      kind: change.kind,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.timeZone !== undefined ? { timeZone: change.timeZone } : {}),
      ...(change.weekly !== undefined ? { weekly: weeklyView(change.weekly) } : {}),
      overridesSet: overridesView(change.overridesSet),
      overridesRemoved: change.overridesRemoved,
    },
  };
}
