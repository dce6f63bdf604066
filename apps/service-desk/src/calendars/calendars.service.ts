import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  AddCalendarOverridesRequest,
  CreateBusinessCalendarRequest,
  ReplaceBusinessCalendarRequest,
} from '@rapport/contracts';
import {
  addBusinessMinutes,
  BusinessCalendarValidationError,
  businessSecondsBetween,
  NoWorkingTimeError,
  toCalendarIso,
  validateBusinessCalendar,
  type BusinessCalendar,
  type CalendarOverride,
  type CompiledBusinessCalendar,
} from '@rapport/platform-business-calendar';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import {
  addition,
  creation,
  normalCalendar,
  replacement,
  type CalendarChange,
  type CalendarState,
  type NormalCalendar,
} from './calendar-model';
import {
  calendarNameTaken,
  calendarNotFound,
  CalendarsErrorCode,
  CalendarsException,
  invalidCalendar,
} from './calendars.exception';
import {
  CalendarsRepository,
  NAME_TAKEN,
  type CalendarFields,
  type CalendarRecord,
  type CalendarSummaryRecord,
  type CalendarVersionRecord,
} from './calendars.repository';
import { CompiledCalendars } from './compiled-calendars';
import { HORIZON_MS, HORIZON_YEARS, parseInstant } from './instants';

/** A calendar with its overrides, by date. */
export interface CalendarWithOverrides {
  calendar: CalendarRecord;
  overrides: CalendarOverride[];
}

export interface DeadlineAnswer {
  due: string;
  calendarId: string;
  version: number;
}

export interface BusinessTimeAnswer {
  minutes: number;
  seconds: number;
  calendarId: string;
  version: number;
}

/**
 * Business calendars: every change takes the calendar's row lock, is checked whole with the calendar
 * library (400 naming the field), raises the version and appends what it changed to the version history,
 * in one transaction. The arithmetic runs on calendars compiled once per version.
 */
@Injectable()
export class CalendarsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarsRepository,
    private readonly compiledCalendars: CompiledCalendars,
  ) {}

  list(): Promise<CalendarSummaryRecord[]> {
    return this.calendars.list();
  }

  async get(id: string): Promise<CalendarWithOverrides> {
    const found = await this.load(id, this.dataSource.manager);
    if (!found) throw calendarNotFound(id);
    return found;
  }

  async versions(id: string): Promise<CalendarVersionRecord[]> {
    if ((await this.calendars.versionOf(id)) === undefined) throw calendarNotFound(id);
    return this.calendars.versions(id);
  }

  async create(request: CreateBusinessCalendarRequest, caller: CallerIdentity): Promise<CalendarWithOverrides> {
    const model = checked(request);
    const state: CalendarState = { name: request.name, ...model };
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const fields: CalendarFields = { name: state.name, timeZone: state.timeZone, weekly: state.weekly };
      const created = await this.calendars.insert(manager, { id, ...fields, at: now, actor: caller.sub });
      if (created === NAME_TAKEN) throw calendarNameTaken(request.name);
      await this.calendars.upsertOverrides(manager, id, state.overrides);
      await this.calendars.appendVersion(manager, id, {
        version: 1,
        at: now,
        actor: caller.sub,
        change: creation(state),
      });
      return { calendar: created, overrides: model.overrides };
    });
  }

  /**
   * A replacement of the whole calendar, overrides included: conditional when the caller says which
   * version it read (412 when stale), unconditional without, as every PATCH/PUT of the API. One that
   * changes nothing writes nothing.
   */
  async replace(
    id: string,
    request: ReplaceBusinessCalendarRequest,
    expected: number | undefined,
    caller: CallerIdentity,
  ): Promise<CalendarWithOverrides> {
    const model = checked(request);
    const after: CalendarState = { name: request.name, ...model };
    return this.changing(id, expected, caller, async (manager, current) => {
      const change = replacement(stateOf(current), after);
      if (!change) return undefined;
      return {
        change,
        fields: { name: after.name, timeZone: after.timeZone, weekly: after.weekly },
        apply: async () => {
          await this.calendars.removeOverrides(manager, id, change.overridesRemoved);
          await this.calendars.upsertOverrides(manager, id, change.overridesSet);
        },
      };
    });
  }

  /**
   * A batch of overrides (a new year's official arrangement, say): added, replacing those of the same
   * dates. Conditional only when the caller sends a version.
   */
  async addOverrides(
    id: string,
    request: AddCalendarOverridesRequest,
    expected: number | undefined,
    caller: CallerIdentity,
  ): Promise<CalendarWithOverrides> {
    return this.changing(id, expected, caller, async (manager, current) => {
      // Checked against the calendar's weekly windows (a workday without windows takes its Monday's),
      // so that an issue names the batch's own field, overrides[i].
      const batch = checked({
        timeZone: current.calendar.timeZone,
        weekly: current.calendar.weekly,
        overrides: request.overrides,
      }).overrides;
      const change = addition(current.overrides, batch);
      if (!change) return undefined;
      return { change, apply: () => this.calendars.upsertOverrides(manager, id, change.overridesSet) };
    });
  }

  /** When `minutes` of working time have elapsed since `from`, with the calendar's offset. */
  async deadline(id: string, fromText: string, minutes: number): Promise<DeadlineAnswer> {
    const from = parseInstant(fromText, 'from');
    const { compiled, version } = await this.compiled(id);
    const due = noWorkingTimeAs422(() => {
      if (minutes > 0) {
        const horizon = new Date(from.getTime() + HORIZON_MS);
        const available = businessSecondsBetween(compiled, from, horizon) / 60;
        if (available < minutes)
          throw new CalendarsException(
            CalendarsErrorCode.NoWorkingTime,
            available === 0
              ? `Business calendar ${id} has no working time in the ${HORIZON_YEARS} years after ${fromText}`
              : `Business calendar ${id} has ${Math.floor(available)} working minutes in the ${HORIZON_YEARS} years after ${fromText}, fewer than ${minutes}`,
          );
      }
      return addBusinessMinutes(compiled, from, minutes);
    });
    return { due: toCalendarIso(compiled, due), calendarId: id, version };
  }

  /** Working time in [from, to) (negative when to is before from), at most the horizon apart. */
  async businessMinutes(id: string, fromText: string, toText: string): Promise<BusinessTimeAnswer> {
    const from = parseInstant(fromText, 'from');
    const to = parseInstant(toText, 'to');
    if (Math.abs(to.getTime() - from.getTime()) > HORIZON_MS)
      throw CalendarsException.onField(
        CalendarsErrorCode.RangeTooLong,
        `to must be at most ${HORIZON_YEARS} years from from`,
        'to',
      );
    const { compiled, version } = await this.compiled(id);
    const seconds = businessSecondsBetween(compiled, from, to);
    return { minutes: seconds / 60, seconds, calendarId: id, version };
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * One change of a calendar: its row locked, the version checked when one is expected (412 when stale),
   * then `decide` says what changes (undefined: nothing, the calendar stays as it is at its version);
   * the row gets its fields and the new version, the history its entry, all in one transaction.
   */
  private changing(
    id: string,
    expected: number | undefined,
    caller: CallerIdentity,
    decide: (manager: EntityManager, current: CalendarWithOverrides) => Promise<Decision | undefined>,
  ): Promise<CalendarWithOverrides> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.load(id, manager, true);
      if (!current) throw calendarNotFound(id);
      if (expected !== undefined && current.calendar.version !== expected)
        throw new CalendarsException(
          CalendarsErrorCode.StaleVersion,
          `Business calendar ${id} is at version ${current.calendar.version}, not ${expected}: read it again`,
          { currentVersion: current.calendar.version },
        );
      const decision = await decide(manager, current);
      if (!decision) return current;
      const now = new Date();
      const changed = await this.calendars.change(manager, id, decision.fields, now, caller.sub);
      if (changed === NAME_TAKEN) throw calendarNameTaken(decision.fields!.name);
      await decision.apply();
      await this.calendars.appendVersion(manager, id, {
        version: changed.version,
        at: now,
        actor: caller.sub,
        change: decision.change,
      });
      return { calendar: changed, overrides: await this.calendars.overridesOf(id, manager) };
    });
  }

  private async load(id: string, manager: EntityManager, lock = false): Promise<CalendarWithOverrides | undefined> {
    const calendar = await this.calendars.find(id, manager, lock);
    if (!calendar) return undefined;
    return { calendar, overrides: await this.calendars.overridesOf(id, manager) };
  }

  /**
   * The overrides of a calendar whose dates lie in [fromDate, toDate] (calendar dates, YYYY-MM-DD): what an
   * SLA's explanation shows as having moved a deadline.
   */
  async overridesBetween(id: string, fromDate: string, toDate: string): Promise<CalendarOverride[]> {
    return (await this.calendars.overridesOf(id)).filter((o) => o.date >= fromDate && o.date <= toDate);
  }

  /**
   * The calendar compiled at its current version (cached per id and version); for SLA deadlines too. Inside
   * a transaction, pass its manager: the calendar is then read on that connection (a second one from the
   * pool, while the transaction holds the first, would starve the pool under concurrent requests).
   */
  async compiled(
    id: string,
    manager?: EntityManager,
  ): Promise<{ compiled: CompiledBusinessCalendar; version: number }> {
    const version = await this.calendars.versionOf(id, manager);
    if (version === undefined) throw calendarNotFound(id);
    const read = async (on: EntityManager) => {
      const found = await this.load(id, on);
      return found && { calendar: modelOf(found), version: found.calendar.version };
    };
    const entry = await this.compiledCalendars.get(id, version, () =>
      manager
        ? read(manager)
        : // the row and its overrides as of one snapshot, so that they belong to the same version
          this.dataSource.transaction('REPEATABLE READ', read),
    );
    if (!entry) throw calendarNotFound(id);
    return entry;
  }
}

interface Decision {
  change: CalendarChange;
  /** The calendar row's new fields, when they may change. */
  fields?: CalendarFields;
  /** Writes the overrides the change sets and removes. */
  apply: () => Promise<void>;
}

/** The request's calendar checked whole by the library: 400 naming each field at fault. */
function checked(input: {
  timeZone: string;
  weekly: object;
  overrides?: readonly object[] | undefined;
}): NormalCalendar {
  try {
    return normalCalendar(
      validateBusinessCalendar({
        timeZone: input.timeZone,
        weekly: plain(input.weekly),
        overrides: plain(input.overrides ?? []),
      }),
    );
  } catch (error) {
    if (error instanceof BusinessCalendarValidationError) throw invalidCalendar(error.issues);
    throw error;
  }
}

/** A validated DTO as plain JSON (no class instances, no undefined properties). */
function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function stateOf(current: CalendarWithOverrides): CalendarState {
  return {
    name: current.calendar.name,
    timeZone: current.calendar.timeZone,
    weekly: current.calendar.weekly,
    overrides: current.overrides,
  };
}

function modelOf(current: CalendarWithOverrides): BusinessCalendar {
  return { timeZone: current.calendar.timeZone, weekly: current.calendar.weekly, overrides: current.overrides };
}

function noWorkingTimeAs422<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof NoWorkingTimeError)
      throw new CalendarsException(CalendarsErrorCode.NoWorkingTime, error.message);
    throw error;
  }
}
