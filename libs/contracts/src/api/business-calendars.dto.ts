import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/**
 * Business calendars (service-desk): a time zone, weekly working windows and dated overrides, the
 * model of `@rapport/platform-business-calendar`. The shape is checked here; the rules across fields
 * (start before end, windows not overlapping, one override per date, a real IANA zone) by the
 * service with that library, which names the field at fault (`weekly.1[1]`, `overrides[3].date`).
 */

export const CALENDAR_OVERRIDE_KINDS = ['holiday', 'workday', 'closure'] as const;
export type CalendarOverrideKindName = (typeof CALENDAR_OVERRIDE_KINDS)[number];
export const CALENDAR_CHANGE_KINDS = ['created', 'replaced', 'overrides-added'] as const;
export type CalendarChangeKind = (typeof CALENDAR_CHANGE_KINDS)[number];

/** Overrides of one calendar in a create or a replacement (China's arrangement 2004–2026 is ≈ 770). */
export const CALENDAR_OVERRIDES_MAX = 5_000;
/** Overrides in one POST …/overrides batch (a year's arrangement is ≈ 40). */
export const CALENDAR_OVERRIDE_BATCH_MAX = 400;
/** The longest deadline asked at once: a year of working minutes. */
export const CALENDAR_DEADLINE_MINUTES_MAX = 525_600;

const WINDOWS_PER_DAY_MAX = 48;
const START_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_PATTERN = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE_PATTERN = /^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME_ZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
/**
 * An instant as the arithmetic takes it: date and time to the second (a fraction allowed) and an offset
 * (Z or ±HH:MM), in the years 1970–2199, as toCalendarIso writes it.
 */
export const CALENDAR_INSTANT_PATTERN =
  /^(19[7-9]\d|2[01]\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const INSTANT_DESCRIPTION =
  'An ISO 8601 instant to the second with an offset or Z, in the years 1970 to 2199 (in a URL, write + as %2B)';

/** Names the field, and says how to send + when it arrived as a space (an unencoded + in a URL). */
const instantMessage = ({ property, value }: ValidationArguments): string =>
  `${property} must be an ISO 8601 instant to the second with an offset (Z or ±HH:MM), in 1970–2199, ` +
  `such as 2026-02-14T17:00:00+08:00` +
  (typeof value === 'string' && / \d{2}:\d{2}$/.test(value) ? ' (a + in a URL must be written %2B)' : '');

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A query integer: digits only ("", " 5", "1e3", "0x10" stay strings and are refused). */
const digits = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** A working window in local wall-clock time; start before end (checked by the service). */
export class WorkingWindowDto {
  @ApiProperty({ example: '09:00', description: 'Local time HH:MM, 00:00 to 23:59' })
  @IsString()
  @Matches(START_PATTERN, { message: 'start must be a time HH:MM from 00:00 to 23:59' })
  start!: string;

  @ApiProperty({ example: '18:00', description: 'Local time HH:MM, 00:01 to 24:00 (end of the day)' })
  @IsString()
  @Matches(END_PATTERN, { message: 'end must be a time HH:MM from 00:01 to 24:00' })
  end!: string;
}

const dayDoc = (day: string): ApiPropertyOptions => ({
  type: [WorkingWindowDto],
  maxItems: WINDOWS_PER_DAY_MAX,
  description: `${day}: its working windows, several allowed, not overlapping; absent or empty: no working time`,
});

/** Windows per ISO weekday: "1" Monday … "7" Sunday. */
export class WeeklyScheduleDto {
  @ApiPropertyOptional(dayDoc('Monday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '1'?: WorkingWindowDto[];

  @ApiPropertyOptional(dayDoc('Tuesday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '2'?: WorkingWindowDto[];

  @ApiPropertyOptional(dayDoc('Wednesday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '3'?: WorkingWindowDto[];

  @ApiPropertyOptional(dayDoc('Thursday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '4'?: WorkingWindowDto[];

  @ApiPropertyOptional(dayDoc('Friday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '5'?: WorkingWindowDto[];

  @ApiPropertyOptional(dayDoc('Saturday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '6'?: WorkingWindowDto[];

  @ApiPropertyOptional(dayDoc('Sunday'))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  '7'?: WorkingWindowDto[];
}

/** One dated exception to the weekly windows; one per date. */
export class CalendarOverrideDto {
  @ApiProperty({ example: '2027-02-06', format: 'date', description: 'Local calendar date YYYY-MM-DD' })
  @IsString()
  @Matches(DATE_PATTERN, { message: 'date must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a calendar date YYYY-MM-DD' })
  date!: string;

  @ApiProperty({
    enum: CALENDAR_OVERRIDE_KINDS,
    example: 'holiday',
    description:
      "holiday: no working time that day (no windows); workday: a working day whatever the weekday (a make-up day), with its windows or the calendar's Monday windows; closure: its windows are taken out of the day's usual working time",
  })
  @IsIn(CALENDAR_OVERRIDE_KINDS)
  kind!: CalendarOverrideKindName;

  @ApiPropertyOptional({
    type: [WorkingWindowDto],
    maxItems: WINDOWS_PER_DAY_MAX,
    description: 'workday: its hours (default the Monday windows); closure: the hours closed (required); holiday: none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(WINDOWS_PER_DAY_MAX)
  @ValidateNested({ each: true })
  @Type(() => WorkingWindowDto)
  windows?: WorkingWindowDto[];

  @ApiPropertyOptional({ example: '春节 Spring Festival', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;
}

/** POST /api/v1/business-calendars (admins) */
export class CreateBusinessCalendarRequest {
  @ApiProperty({ example: 'shanghai-office', minLength: 1, maxLength: 100, description: 'Unique (409 when taken)' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 'Asia/Shanghai', description: 'An IANA time zone; windows and dates are local to it' })
  @IsString()
  @Matches(TIME_ZONE_PATTERN, { message: 'timeZone must be an IANA time zone name such as Asia/Shanghai' })
  timeZone!: string;

  @ApiProperty({ type: WeeklyScheduleDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WeeklyScheduleDto)
  weekly!: WeeklyScheduleDto;

  @ApiPropertyOptional({ type: [CalendarOverrideDto], maxItems: CALENDAR_OVERRIDES_MAX, description: 'Default none' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CALENDAR_OVERRIDES_MAX)
  @ValidateNested({ each: true })
  @Type(() => CalendarOverrideDto)
  overrides?: CalendarOverrideDto[];
}

/** PUT /api/v1/business-calendars/{id} (admins): the whole calendar, overrides included; conditional on If-Match. */
export class ReplaceBusinessCalendarRequest {
  @ApiProperty({ example: 'shanghai-office', minLength: 1, maxLength: 100, description: 'Unique (409 when taken)' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 'Asia/Shanghai' })
  @IsString()
  @Matches(TIME_ZONE_PATTERN, { message: 'timeZone must be an IANA time zone name such as Asia/Shanghai' })
  timeZone!: string;

  @ApiProperty({ type: WeeklyScheduleDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WeeklyScheduleDto)
  weekly!: WeeklyScheduleDto;

  @ApiProperty({
    type: [CalendarOverrideDto],
    maxItems: CALENDAR_OVERRIDES_MAX,
    description: 'Every override the calendar keeps (those left out are removed; [] removes all)',
  })
  @IsArray()
  @ArrayMaxSize(CALENDAR_OVERRIDES_MAX)
  @ValidateNested({ each: true })
  @Type(() => CalendarOverrideDto)
  overrides!: CalendarOverrideDto[];

  @ApiPropertyOptional({ example: 3, description: 'The version the change is based on (alternative to If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  version?: number;
}

/** POST /api/v1/business-calendars/{id}/overrides (admins): adds these, replacing those of the same dates. */
export class AddCalendarOverridesRequest {
  @ApiProperty({
    type: [CalendarOverrideDto],
    minItems: 1,
    maxItems: CALENDAR_OVERRIDE_BATCH_MAX,
    description:
      "A batch, such as a new year's official arrangement; an override of a date already overridden replaces it",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CALENDAR_OVERRIDE_BATCH_MAX)
  @ValidateNested({ each: true })
  @Type(() => CalendarOverrideDto)
  overrides!: CalendarOverrideDto[];

  @ApiPropertyOptional({ example: 3, description: 'If given (or If-Match), the change is refused (412) when stale' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  version?: number;
}

/** GET …/deadline */
export class CalendarDeadlineQuery {
  @ApiProperty({ example: '2026-02-14T17:00:00+08:00', format: 'date-time', description: INSTANT_DESCRIPTION })
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: instantMessage })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from is not a real date and time' })
  from!: string;

  @ApiProperty({ example: 120, minimum: 0, maximum: CALENDAR_DEADLINE_MINUTES_MAX, description: 'Working minutes' })
  @Transform(digits)
  @IsInt()
  @Min(0)
  @Max(CALENDAR_DEADLINE_MINUTES_MAX)
  minutes!: number;
}

/** GET …/business-minutes */
export class CalendarBusinessMinutesQuery {
  @ApiProperty({ example: '2026-02-13T17:00:00+08:00', format: 'date-time', description: INSTANT_DESCRIPTION })
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: instantMessage })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from is not a real date and time' })
  from!: string;

  @ApiProperty({
    example: '2026-02-24T10:00:00+08:00',
    format: 'date-time',
    description: `${INSTANT_DESCRIPTION}; at most 10 years from \`from\` (before it: a negative answer)`,
  })
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: instantMessage })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to!: string;
}

export class BusinessCalendarSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'china-standard' }) name!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: WeeklyScheduleDto }) weekly!: WeeklyScheduleDto;
  @ApiProperty({ example: 769 }) overrideCount!: number;
  @ApiProperty({ nullable: true, type: String, example: '2004-01-01', description: 'The first overridden date' })
  firstOverrideDate!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-10-08', description: 'The last overridden date' })
  lastOverrideDate!: string | null;
  @ApiProperty({ example: 1, description: 'Also the ETag ("1") of the calendar' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: 'admin' }) updatedBy!: string;
}

export class BusinessCalendarList {
  @ApiProperty({ type: [BusinessCalendarSummaryView] }) items!: BusinessCalendarSummaryView[];
}

export class BusinessCalendarView extends BusinessCalendarSummaryView {
  @ApiProperty({ type: [CalendarOverrideDto], description: 'By date' }) overrides!: CalendarOverrideDto[];
}

export class CalendarChangeView {
  @ApiProperty({ enum: CALENDAR_CHANGE_KINDS }) kind!: CalendarChangeKind;
  @ApiPropertyOptional({ description: 'Set (created) or changed to' }) name?: string;
  @ApiPropertyOptional({ description: 'Set (created) or changed to' }) timeZone?: string;
  @ApiPropertyOptional({ type: WeeklyScheduleDto, description: 'Set (created) or changed to' })
  weekly?: WeeklyScheduleDto;
  @ApiProperty({ type: [CalendarOverrideDto], description: 'Overrides added or changed' })
  overridesSet!: CalendarOverrideDto[];
  @ApiProperty({ type: [String], example: ['2027-02-13'], description: 'Dates whose override was removed' })
  overridesRemoved!: string[];
}

export class CalendarVersionView {
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'admin' }) actor!: string;
  @ApiProperty({ type: CalendarChangeView }) change!: CalendarChangeView;
}

export class CalendarVersionList {
  @ApiProperty({ format: 'uuid' }) calendarId!: string;
  @ApiProperty({ type: [CalendarVersionView], description: 'Oldest first' }) items!: CalendarVersionView[];
}

export class CalendarDeadlineView {
  @ApiProperty({
    example: '2026-02-24T10:00:00+08:00',
    description: "When the working minutes have elapsed, with the calendar's offset at that instant",
  })
  due!: string;
  @ApiProperty({ format: 'uuid' }) calendarId!: string;
  @ApiProperty({ example: 3, description: 'The calendar version the answer was computed with' }) version!: number;
}

export class CalendarBusinessMinutesView {
  @ApiProperty({ example: 120, description: 'Working minutes in [from, to) (seconds / 60; negative when to < from)' })
  minutes!: number;
  @ApiProperty({ example: 7200 }) seconds!: number;
  @ApiProperty({ format: 'uuid' }) calendarId!: string;
  @ApiProperty({ example: 3 }) version!: number;
}
