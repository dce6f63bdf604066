/**
 * Business calendars: working windows per weekday in a time zone, dated overrides (holidays, make-up
 * working days, partial closures), China's official arrangement from `chinese-days`, and exact arithmetic
 * on working time (deadlines, elapsed working time) across overrides, time zones and DST changes.
 * Pure TypeScript: no Nest, no database; the model is plain JSON. Usage: this library's README.md.
 */
export {
  BusinessCalendarValidationError,
  validateBusinessCalendar,
  type BusinessCalendar,
  type CalendarIssue,
  type CalendarOverride,
  type CalendarOverrideKind,
  type IsoWeekday,
  type WeeklySchedule,
  type WorkingWindow,
} from './model';
export { CompiledBusinessCalendar, NoWorkingTimeError, type CompileOptions } from './compiled-calendar';
export {
  addBusinessMinutes,
  addBusinessSeconds,
  alwaysOpenCalendar,
  businessMinutesBetween,
  businessSecondsBetween,
  compileBusinessCalendar,
  isWorkingTime,
  nextWorkingInstant,
  toCalendarIso,
  type CalendarLike,
} from './business-calendar';
export {
  CHINA_STANDARD_WINDOWS,
  chinaOfficialDataYears,
  chinaOfficialOverrides,
  chinaStandardCalendar,
  type ChinaStandardCalendarOptions,
} from './china';
export { addCalendarMonths } from './time-zone';
