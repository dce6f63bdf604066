import { z } from 'zod';
import { defineEvent } from '../event-definition';

const isoTime = z.iso.datetime({ offset: true });
const points = z.number().int().nonnegative();

export const PointsEarnedV1 = defineEvent({
  type: 'rapport.loyalty.points.earned.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'Points were credited to a member (purchase, referral, adjustment).',
  schema: z.object({
    customerId: z.uuid(),
    movementId: z.uuid(),
    points,
    reason: z.string().max(200),
    sourceId: z.string().max(200).optional(),
    expiresAt: isoTime.optional(),
    balance: points,
    occurredAt: isoTime,
  }),
});

export const PointsRedeemedV1 = defineEvent({
  type: 'rapport.loyalty.points.redeemed.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'Points were spent.',
  schema: z.object({
    customerId: z.uuid(),
    movementId: z.uuid(),
    points,
    redemptionId: z.uuid(),
    balance: points,
    occurredAt: isoTime,
  }),
});

export const PointsExpiredV1 = defineEvent({
  type: 'rapport.loyalty.points.expired.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'Points expired.',
  schema: z.object({ customerId: z.uuid(), movementId: z.uuid(), points, balance: points, occurredAt: isoTime }),
});

export const PointsReversedV1 = defineEvent({
  type: 'rapport.loyalty.points.reversed.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'Points were taken back after a refund; a shortfall is what could not be taken back.',
  schema: z.object({
    customerId: z.uuid(),
    movementId: z.uuid(),
    points,
    shortfall: points,
    refundId: z.uuid().optional(),
    balance: points,
    occurredAt: isoTime,
  }),
});

export const TierChangedV1 = defineEvent({
  type: 'rapport.loyalty.tier.changed.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'A member moved to another tier.',
  schema: z.object({
    customerId: z.uuid(),
    from: z.string().nullable(),
    to: z.string(),
    reason: z.string().max(200),
    occurredAt: isoTime,
  }),
});

export const RewardRedeemedV1 = defineEvent({
  type: 'rapport.loyalty.reward.redeemed.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'A member redeemed a reward from the catalogue.',
  schema: z.object({
    customerId: z.uuid(),
    rewardId: z.uuid(),
    redemptionId: z.uuid(),
    points,
    couponCode: z.string().optional(),
    occurredAt: isoTime,
  }),
});

export const ReferralCompletedV1 = defineEvent({
  type: 'rapport.loyalty.referral.completed.v1',
  source: 'loyalty',
  topic: 'loyalty',
  description: 'A referred customer made a first qualifying purchase; both members were rewarded.',
  schema: z.object({ customerId: z.uuid(), referrerId: z.uuid(), referredId: z.uuid(), occurredAt: isoTime }),
});
