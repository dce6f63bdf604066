import { CHINA_STANDARD_CALENDAR_ID } from '../calendars/china-standard';
import type { SlaPolicyDocument, SlaPolicyTarget } from './sla-clock';

/** A working day of china-standard: 09:00–12:00 and 13:30–18:00. */
const DAY = 450;

const cell = (
  priority: SlaPolicyTarget['priority'],
  tier: SlaPolicyTarget['tier'],
  firstResponseMinutes: number,
  resolutionMinutes: number,
): SlaPolicyTarget => ({ priority, tier, firstResponseMinutes, resolutionMinutes });

/**
 * The SLA policy service-desk ships (version 1, seeded by migration 1764730000000), in business minutes on
 * china-standard: a `none` cell per priority (every tier without its own), tighter cells for tier A and
 * VIP customers. At 75 % of a resolution target a warning; at the breach of a first response the ticket
 * goes to its queue's lead, at the breach of a resolution its priority goes up one step.
 */
export const DEFAULT_SLA_POLICY: SlaPolicyDocument = {
  calendarId: CHINA_STANDARD_CALENDAR_ID,
  targets: [
    cell('urgent', 'none', 30, 240),
    cell('urgent', 'A', 20, 180),
    cell('urgent', 'VIP', 15, 120),
    cell('high', 'none', 60, DAY),
    cell('high', 'A', 45, 360),
    cell('high', 'VIP', 30, 240),
    cell('normal', 'none', 240, 3 * DAY),
    cell('normal', 'A', 120, 2 * DAY),
    cell('normal', 'VIP', 60, DAY),
    cell('low', 'none', DAY, 5 * DAY),
    cell('low', 'A', 240, 3 * DAY),
    cell('low', 'VIP', 120, 2 * DAY),
  ],
  escalations: [
    { atPercent: 75, target: 'first-response', action: 'notify' },
    { atPercent: 75, target: 'resolution', action: 'notify' },
    { atPercent: 100, target: 'first-response', action: 'reassign-to-lead' },
    { atPercent: 100, target: 'resolution', action: 'raise-priority' },
  ],
};
