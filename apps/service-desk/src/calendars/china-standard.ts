import {
  chinaOfficialDataYears,
  chinaStandardCalendar,
  type BusinessCalendar,
} from '@rapport/platform-business-calendar';

/**
 * The business calendar service-desk ships: China's office hours (Asia/Shanghai, Monday to Friday
 * 09:00–12:00 and 13:30–18:00) with the official arrangement (holidays, make-up working days) of every
 * year the installed `chinese-days` has, seeded by migration 1764710000000. Its id is fixed so that
 * SLA policies can name it; a later year's arrangement is added through the API
 * (POST /business-calendars/{id}/overrides) once the State Council publishes it.
 */
export const CHINA_STANDARD_CALENDAR_ID = '6f1c2b7e-4d3a-4e8b-9c1d-2a5e8f0b3c71';
export const CHINA_STANDARD_CALENDAR_NAME = 'china-standard';

/** The china-standard calendar as the migration seeds it. */
export function chinaStandardSeed(): BusinessCalendar {
  const { first, last } = chinaOfficialDataYears();
  return chinaStandardCalendar({ from: first, to: last });
}
