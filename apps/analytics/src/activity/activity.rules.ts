import { OPEN_TICKET_STATUSES, type TicketStatus } from '@rapport/contracts';

/** The survey figure a customer's activity keeps from one response, the kinds in this order of preference. */
export type SurveyFigure = { score: number; kind: 'nps' | 'csat' | 'rating' };

/**
 * Which answer of a survey response stands for it in the customer's activity: the NPS answer (0–10) if
 * the survey asked one, else the CSAT answer (1–5), else the first rating; the first of a kind when a
 * survey asks it twice. Null when the response carried no scored answer.
 */
export function surveyFigure(
  scores: ReadonlyArray<{ type: 'nps' | 'csat' | 'rating'; value: number }>,
): SurveyFigure | null {
  for (const kind of ['nps', 'csat', 'rating'] as const) {
    const found = scores.find((s) => s.type === kind);
    if (found) return { score: found.value, kind };
  }
  return null;
}

/** A ticket is open while it is neither resolved nor closed (service-desk's own list of open statuses). */
export function isOpenStatus(status: TicketStatus): boolean {
  return (OPEN_TICKET_STATUSES as readonly string[]).includes(status);
}
