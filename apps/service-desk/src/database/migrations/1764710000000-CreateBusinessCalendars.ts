import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  CHINA_STANDARD_CALENDAR_ID,
  CHINA_STANDARD_CALENDAR_NAME,
  chinaStandardSeed,
} from '../../calendars/china-standard';
import { creation, normalCalendar } from '../../calendars/calendar-model';

/**
 * Business calendars (time zone, weekly windows, dated overrides) with their append-only version history,
 * and the calendar service-desk ships: china-standard, with China's official arrangement for every year
 * the installed `chinese-days` has when this migration runs (later years are added through the API).
 */
export class CreateBusinessCalendars1764710000000 implements MigrationInterface {
  name = 'CreateBusinessCalendars1764710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_desk.business_calendars (
        id          uuid PRIMARY KEY,
        name        text NOT NULL,
        time_zone   text NOT NULL,
        weekly      jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  text NOT NULL,
        CONSTRAINT business_calendars_name_unique UNIQUE (name)
      )`);
    await queryRunner.query(`
      CREATE TABLE service_desk.business_calendar_overrides (
        calendar_id  uuid NOT NULL REFERENCES service_desk.business_calendars (id),
        date         date NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('holiday', 'workday', 'closure')),
        windows      jsonb,
        name         text,
        PRIMARY KEY (calendar_id, date)
      )`);
    await queryRunner.query(`
      CREATE TABLE service_desk.business_calendar_versions (
        calendar_id  uuid NOT NULL REFERENCES service_desk.business_calendars (id),
        version      integer NOT NULL,
        at           timestamptz NOT NULL DEFAULT now(),
        actor        text NOT NULL,
        change       jsonb NOT NULL,
        PRIMARY KEY (calendar_id, version)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION service_desk.business_calendar_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'business_calendar_versions is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER business_calendar_versions_append_only
        BEFORE UPDATE OR DELETE ON service_desk.business_calendar_versions
        FOR EACH ROW EXECUTE FUNCTION service_desk.business_calendar_versions_append_only()`);

    const calendar = normalCalendar(chinaStandardSeed());
    const actor = 'system';
    await queryRunner.query(
      `INSERT INTO service_desk.business_calendars (id, name, time_zone, weekly, version, updated_by)
       VALUES ($1, $2, $3, $4::jsonb, 1, $5)`,
      [
        CHINA_STANDARD_CALENDAR_ID,
        CHINA_STANDARD_CALENDAR_NAME,
        calendar.timeZone,
        JSON.stringify(calendar.weekly),
        actor,
      ],
    );
    await queryRunner.query(
      `INSERT INTO service_desk.business_calendar_overrides (calendar_id, date, kind, windows, name)
       SELECT $1, (o->>'date')::date, o->>'kind', o->'windows', o->>'name' FROM jsonb_array_elements($2::jsonb) o`,
      [CHINA_STANDARD_CALENDAR_ID, JSON.stringify(calendar.overrides)],
    );
    await queryRunner.query(
      `INSERT INTO service_desk.business_calendar_versions (calendar_id, version, actor, change)
       VALUES ($1, 1, $2, $3::jsonb)`,
      [
        CHINA_STANDARD_CALENDAR_ID,
        actor,
        JSON.stringify(creation({ name: CHINA_STANDARD_CALENDAR_NAME, ...calendar })),
      ],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE service_desk.business_calendar_versions`);
    await queryRunner.query(`DROP FUNCTION service_desk.business_calendar_versions_append_only()`);
    await queryRunner.query(`DROP TABLE service_desk.business_calendar_overrides`);
    await queryRunner.query(`DROP TABLE service_desk.business_calendars`);
  }
}
