import type { CalendarIssue } from '@rapport/platform-business-calendar';
import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a business-calendar request; the code travels in the problem+json as `code`. */
export enum CalendarsErrorCode {
  CalendarNotFound = 'calendar-not-found',
  NameTaken = 'calendar-name-taken',
  InvalidCalendar = 'invalid-calendar',
  InvalidInstant = 'invalid-instant',
  RangeTooLong = 'range-too-long',
  NoWorkingTime = 'no-working-time',
  StaleVersion = 'stale-version',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class CalendarsException extends ProblemException {
  constructor(
    readonly code: CalendarsErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }

  /** An error that names the request field at fault (problem+json `errors`). */
  static onField(code: CalendarsErrorCode, detail: string, field: string): CalendarsException {
    return new CalendarsException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: CalendarsErrorCode) {
  switch (code) {
    case CalendarsErrorCode.CalendarNotFound:
      return 'notFound' as const;
    case CalendarsErrorCode.NameTaken:
      return 'conflict' as const;
    // Rules the document cannot state (windows in order and apart, one override a date, a real time
    // zone, a range the server computes in bounded time): a well-formed request it cannot carry out.
    case CalendarsErrorCode.NoWorkingTime:
    case CalendarsErrorCode.InvalidCalendar:
    case CalendarsErrorCode.RangeTooLong:
      return 'unprocessable' as const;
    case CalendarsErrorCode.StaleVersion:
      return 'preconditionFailed' as const;
    case CalendarsErrorCode.InvalidInstant:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}

export function calendarNotFound(id: string): CalendarsException {
  return new CalendarsException(CalendarsErrorCode.CalendarNotFound, `Business calendar ${id} was not found`);
}

export function calendarNameTaken(name: string): CalendarsException {
  return CalendarsException.onField(
    CalendarsErrorCode.NameTaken,
    `A business calendar named '${name}' already exists`,
    'name',
  );
}

/** The library's issues (`weekly.1[1]`, `overrides[3].date`: the request's own field paths) as the problem's `errors`. */
export function invalidCalendar(issues: readonly CalendarIssue[]): CalendarsException {
  const errors = issues.map((i) => ({ field: i.field, message: i.message }));
  return new CalendarsException(
    CalendarsErrorCode.InvalidCalendar,
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    { errors },
  );
}
