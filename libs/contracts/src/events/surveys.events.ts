import { z } from 'zod';
import { defineEvent } from '../event-definition';

/**
 * Events of interaction's surveys, on its interactions stream keyed by the customer id. The scores
 * travel (analytics and service-desk count them); open text answers do not: they are the customer's
 * words and stay in interaction.
 */
export const SurveyRespondedV1 = defineEvent({
  type: 'rapport.interaction.survey.responded.v1',
  source: 'interaction',
  topic: 'interactions',
  description: 'A customer answered a survey invitation: the scored answers (NPS, CSAT, ratings), never the text.',
  schema: z.object({
    surveyId: z.uuid(),
    invitationId: z.uuid(),
    customerId: z.uuid(),
    /** The ticket whose resolution the survey asked about, if it did. */
    ticketId: z.uuid().nullable(),
    scores: z
      .array(
        z.object({
          questionId: z.string().min(1).max(40),
          type: z.enum(['nps', 'csat', 'rating']),
          value: z.number().int().min(0).max(10),
        }),
      )
      .max(50),
    respondedAt: z.iso.datetime({ offset: true }),
  }),
});
