import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS } from '../interactions';

/**
 * Events published by interaction on its interactions stream, keyed by the customer id so that a
 * customer's contacts stay in order. No summary or note travels: those are free text about the
 * customer and stay in interaction (read them through the API, audited).
 */
const isoTime = z.iso.datetime({ offset: true });
/** A user's subject or a client's id (never a customer's personal data). */
const actor = z.string().min(1).max(200);
const channel = z.enum(INTERACTION_CHANNELS);

export const InteractionLoggedV1 = defineEvent({
  type: 'rapport.interaction.interaction.logged.v1',
  source: 'interaction',
  topic: 'interactions',
  description:
    'A contact with a customer on a channel was recorded (a call, a mail, a visit…); customer-profile keeps the last contact from it.',
  schema: z.object({
    interactionId: z.uuid(),
    customerId: z.uuid(),
    channel,
    direction: z.enum(INTERACTION_DIRECTIONS),
    /** When the contact happened (never in the future); may be earlier than events already sent. */
    occurredAt: isoTime,
    /** The user who had the contact. */
    agent: actor,
    outcome: z.string().min(1).max(100).nullable(),
    durationSeconds: z.number().int().nonnegative().nullable(),
    ticketId: z.uuid().nullable(),
    campaignId: z.uuid().nullable(),
    followUpId: z.uuid().nullable(),
    loggedAt: isoTime,
  }),
});

const followUp = {
  followUpId: z.uuid(),
  customerId: z.uuid(),
  assignee: actor,
  team: z.string().min(1).max(100).nullable(),
  channel,
  dueAt: isoTime,
};

export const FollowUpCreatedV1 = defineEvent({
  type: 'rapport.interaction.follow-up.created.v1',
  source: 'interaction',
  topic: 'interactions',
  description: 'A follow-up (who contacts the customer, by when, on which channel) was planned.',
  schema: z.object({ ...followUp, createdAt: isoTime, actor }),
});

export const FollowUpDueV1 = defineEvent({
  type: 'rapport.interaction.follow-up.due.v1',
  source: 'interaction',
  topic: 'interactions',
  description:
    "A follow-up's reminder: its due time is near (a configured number of business minutes before it, on the follow-ups' business calendar). Once per due time.",
  schema: z.object({ ...followUp, remindAt: isoTime, firedAt: isoTime }),
});

export const FollowUpOverdueV1 = defineEvent({
  type: 'rapport.interaction.follow-up.overdue.v1',
  source: 'interaction',
  topic: 'interactions',
  description: 'A follow-up reached its due time undone. Once per due time.',
  schema: z.object({ ...followUp, firedAt: isoTime }),
});

export const FollowUpSnoozedV1 = defineEvent({
  type: 'rapport.interaction.follow-up.snoozed.v1',
  source: 'interaction',
  topic: 'interactions',
  description: 'A follow-up was put off to a later due time (its reminder and overdue fire again for that time).',
  schema: z.object({ ...followUp, previousDueAt: isoTime, snoozedAt: isoTime, actor }),
});

export const FollowUpCompletedV1 = defineEvent({
  type: 'rapport.interaction.follow-up.completed.v1',
  source: 'interaction',
  topic: 'interactions',
  description: 'A follow-up was done: the contact it asked for was made and logged (interactionId).',
  schema: z.object({ ...followUp, interactionId: z.uuid(), completedAt: isoTime, actor }),
});

export const WechatFollowerUnmatchedV1 = defineEvent({
  type: 'rapport.interaction.wechat-follower.unmatched.v1',
  source: 'interaction',
  topic: 'interactions',
  description:
    'Someone no customer is known by wrote to (or followed) the WeChat Official Account: customer-profile creates a lead in the public pool with the openid as its wechat_openid identifier. Published once per openid, keyed by the openid.',
  schema: z.object({
    /** The sender's openid (a pseudonym valid for this Official Account only). */
    openid: z.string().min(1).max(128),
    /** When the first message or event of this sender arrived. */
    firstSeenAt: isoTime,
  }),
});
