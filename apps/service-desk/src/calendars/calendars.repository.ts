import { Injectable } from '@nestjs/common';
import type { CalendarOverride, WeeklySchedule } from '@rapport/platform-business-calendar';
import { DataSource, type EntityManager } from 'typeorm';
import { normalOverride, normalWeekly, type CalendarChange } from './calendar-model';

export interface CalendarRecord {
  id: string;
  name: string;
  timeZone: string;
  weekly: WeeklySchedule;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export interface CalendarSummaryRecord extends CalendarRecord {
  overrideCount: number;
  firstOverrideDate: string | null;
  lastOverrideDate: string | null;
}

export interface CalendarVersionRecord {
  version: number;
  at: Date;
  actor: string;
  change: CalendarChange;
}

/** What a create or a replacement writes on the calendar row. */
export interface CalendarFields {
  name: string;
  timeZone: string;
  weekly: WeeklySchedule;
}

/** The name is someone else's: the unique constraint said so. */
export const NAME_TAKEN = 'name-taken' as const;

const UNIQUE_VIOLATION = '23505';
const NAME_CONSTRAINT = 'business_calendars_name_unique';
const COLUMNS = 'c.id, c.name, c.time_zone, c.weekly, c.version, c.created_at, c.updated_at, c.updated_by';

function isNameTaken(error: unknown): boolean {
  const pg = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (
    (pg.driverError?.code ?? pg.code) === UNIQUE_VIOLATION &&
    (pg.driverError?.constraint ?? pg.constraint) === NAME_CONSTRAINT
  );
}

/** The only SQL of business calendars: the calendars, their dated overrides and their append-only versions. */
@Injectable()
export class CalendarsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    calendar: CalendarFields & { id: string; at: Date; actor: string },
  ): Promise<CalendarRecord | typeof NAME_TAKEN> {
    const rows: CalendarRow[] = await manager.query(
      `INSERT INTO service_desk.business_calendars AS c
         (id, name, time_zone, weekly, version, created_at, updated_at, updated_by)
       VALUES ($1, $2, $3, $4::jsonb, 1, $5, $5, $6)
       ON CONFLICT ON CONSTRAINT ${NAME_CONSTRAINT} DO NOTHING
       RETURNING ${COLUMNS}`,
      [calendar.id, calendar.name, calendar.timeZone, JSON.stringify(calendar.weekly), calendar.at, calendar.actor],
    );
    return rows[0] ? toRecord(rows[0]) : NAME_TAKEN;
  }

  /** The calendar, locked for a change when `lock` (every change of a calendar takes this lock first). */
  async find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<CalendarRecord | undefined> {
    const rows: CalendarRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM service_desk.business_calendars c WHERE c.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The current version only: what the compiled-calendar cache is keyed by. */
  async versionOf(id: string, manager: EntityManager = this.dataSource.manager): Promise<number | undefined> {
    const rows: { version: number }[] = await manager.query(
      `SELECT version FROM service_desk.business_calendars WHERE id = $1`,
      [id],
    );
    return rows[0]?.version;
  }

  /** Every calendar (there are few), by name, with how many overrides it has and the dates they span. */
  async list(): Promise<CalendarSummaryRecord[]> {
    const rows: Array<CalendarRow & { override_count: number; first_date: string | null; last_date: string | null }> =
      await this.dataSource.query(
        `SELECT ${COLUMNS}, count(o.date)::int AS override_count,
                min(o.date)::text AS first_date, max(o.date)::text AS last_date
           FROM service_desk.business_calendars c
           LEFT JOIN service_desk.business_calendar_overrides o ON o.calendar_id = c.id
          GROUP BY c.id ORDER BY c.name`,
      );
    return rows.map((row) => ({
      ...toRecord(row),
      overrideCount: row.override_count,
      firstOverrideDate: row.first_date,
      lastOverrideDate: row.last_date,
    }));
  }

  async overridesOf(id: string, manager: EntityManager = this.dataSource.manager): Promise<CalendarOverride[]> {
    const rows: OverrideRow[] = await manager.query(
      `SELECT date::text AS date, kind, windows, name FROM service_desk.business_calendar_overrides
        WHERE calendar_id = $1 ORDER BY date`,
      [id],
    );
    return rows.map(toOverride);
  }

  /** A change of a calendar the caller locked: its fields (when given) and the version up by one. */
  async change(
    manager: EntityManager,
    id: string,
    fields: CalendarFields | undefined,
    at: Date,
    actor: string,
  ): Promise<CalendarRecord | typeof NAME_TAKEN> {
    const params: unknown[] = [id, at, actor];
    const sets = ['version = c.version + 1', 'updated_at = $2', 'updated_by = $3'];
    if (fields) {
      params.push(fields.name, fields.timeZone, JSON.stringify(fields.weekly));
      sets.push('name = $4', 'time_zone = $5', 'weekly = $6::jsonb');
    }
    try {
      // TypeORM answers an UPDATE with [rows, affected].
      const [rows]: [CalendarRow[], number] = await manager.query(
        `UPDATE service_desk.business_calendars c SET ${sets.join(', ')} WHERE c.id = $1 RETURNING ${COLUMNS}`,
        params,
      );
      return toRecord(rows[0]!);
    } catch (error) {
      if (isNameTaken(error)) return NAME_TAKEN;
      throw error;
    }
  }

  /** Adds overrides; one of a date the calendar already overrides replaces it. */
  async upsertOverrides(manager: EntityManager, id: string, overrides: readonly CalendarOverride[]): Promise<void> {
    if (overrides.length === 0) return;
    await manager.query(
      `INSERT INTO service_desk.business_calendar_overrides (calendar_id, date, kind, windows, name)
       SELECT $1, (o->>'date')::date, o->>'kind', o->'windows', o->>'name'
         FROM jsonb_array_elements($2::jsonb) o
       ON CONFLICT (calendar_id, date) DO UPDATE
         SET kind = excluded.kind, windows = excluded.windows, name = excluded.name`,
      [id, JSON.stringify(overrides)],
    );
  }

  async removeOverrides(manager: EntityManager, id: string, dates: readonly string[]): Promise<void> {
    if (dates.length === 0) return;
    await manager.query(
      `DELETE FROM service_desk.business_calendar_overrides WHERE calendar_id = $1 AND date = ANY($2::date[])`,
      [id, dates],
    );
  }

  async appendVersion(
    manager: EntityManager,
    id: string,
    entry: { version: number; at: Date; actor: string; change: CalendarChange },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO service_desk.business_calendar_versions (calendar_id, version, at, actor, change)
       VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [id, entry.version, entry.at, entry.actor, JSON.stringify(entry.change)],
    );
  }

  /** The change history, oldest first. */
  async versions(id: string): Promise<CalendarVersionRecord[]> {
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT version, at, actor, change FROM service_desk.business_calendar_versions
        WHERE calendar_id = $1 ORDER BY version`,
      [id],
    );
    return rows.map((row) => ({
      version: row.version,
      at: row.at,
      actor: row.actor,
      change: {
        kind: row.change.kind,
        ...(row.change.name !== undefined ? { name: row.change.name } : {}),
        ...(row.change.timeZone !== undefined ? { timeZone: row.change.timeZone } : {}),
        ...(row.change.weekly !== undefined ? { weekly: normalWeekly(row.change.weekly) } : {}),
        overridesSet: (row.change.overridesSet ?? []).map(normalOverride),
        overridesRemoved: row.change.overridesRemoved ?? [],
      },
    }));
  }
}

interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  weekly: WeeklySchedule;
  version: number;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
}

interface OverrideRow {
  date: string;
  kind: CalendarOverride['kind'];
  windows: CalendarOverride['windows'] | null;
  name: string | null;
}

interface VersionRow {
  version: number;
  at: Date;
  actor: string;
  change: CalendarChange;
}

function toRecord(row: CalendarRow): CalendarRecord {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    weekly: normalWeekly(row.weekly),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toOverride(row: OverrideRow): CalendarOverride {
  return normalOverride({
    date: row.date,
    kind: row.kind,
    ...(row.windows ? { windows: row.windows } : {}),
    ...(row.name !== null ? { name: row.name } : {}),
  });
}
