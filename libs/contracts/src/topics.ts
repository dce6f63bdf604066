import { consumerGroupOf, SERVICE_NAMES, type ServiceName } from './services';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicDefinition {
  readonly name: string;
  readonly owner: ServiceName;
  readonly partitions: number;
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  readonly description: string;
}

/**
 * Retention of the streams analytics rebuilds its read models from (POST /api/v1/analytics/rebuilds,
 * docs/adr/0002-analytics-rebuilds.md): a rebuild replays them from their first event, so their
 * history is kept (-1: no time limit). Their events carry ids, digests and amounts, no names or
 * contacts, and an erased customer's events are replayed together with the customer.erased that ends them.
 */
export const KEEP_FOREVER = -1;

function topic(def: TopicDefinition): TopicDefinition {
  return def;
}

/**
 * The topic registry: the only place topic names are written. The local stack and the Helm chart
 * create topics from it; services refer to topics through event definitions, never by string.
 * Streams are per aggregate and keyed by the aggregate id, so order holds per customer.
 */
export const Topics = {
  customers: topic({
    name: 'rapport.customer-profile.customers',
    owner: 'customer-profile',
    partitions: 6,
    retentionMs: KEEP_FOREVER,
    cleanupPolicy: 'delete',
    description: 'Customer lifecycle: created, updated, merged, erased, consent, ownership.',
  }),
  purchases: topic({
    name: 'rapport.customer-profile.purchases',
    owner: 'customer-profile',
    partitions: 6,
    retentionMs: KEEP_FOREVER,
    cleanupPolicy: 'delete',
    description: 'Purchases recorded and refunded, keyed by customer id.',
  }),
  interactions: topic({
    name: 'rapport.interaction.interactions',
    owner: 'interaction',
    partitions: 6,
    // Not kept for ever (yet): wechat-follower.unmatched carries a raw openid, which must leave the
    // topic after its retention. analytics rebuilds from it what the last 30 days hold.
    retentionMs: 30 * DAY_MS,
    cleanupPolicy: 'delete',
    description: 'Interactions logged and follow-ups, keyed by customer id.',
  }),
  tickets: topic({
    name: 'rapport.service-desk.tickets',
    owner: 'service-desk',
    partitions: 6,
    retentionMs: KEEP_FOREVER,
    cleanupPolicy: 'delete',
    description: 'Ticket lifecycle and SLA events, keyed by customer id.',
  }),
  loyalty: topic({
    name: 'rapport.loyalty.points',
    owner: 'loyalty',
    partitions: 6,
    retentionMs: KEEP_FOREVER,
    cleanupPolicy: 'delete',
    description: 'Points ledger movements and tier changes, keyed by customer id.',
  }),
  scores: topic({
    name: 'rapport.analytics.scores',
    owner: 'analytics',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    cleanupPolicy: 'delete',
    description: 'Customer scores (RFM, value tier, churn risk), keyed by customer id.',
  }),
} as const;

export type TopicKey = keyof typeof Topics;

/** Every service that consumes has one dead-letter topic for the messages it could not process. */
export function deadLetterTopicOf(service: ServiceName): TopicDefinition {
  return {
    name: `${consumerGroupOf(service)}.dlq`,
    owner: service,
    partitions: 1,
    retentionMs: 90 * DAY_MS,
    cleanupPolicy: 'delete',
    description: `Messages the ${service} service could not process; replay them after a fix.`,
  };
}

/** All topics to create: the event streams plus one dead-letter topic per consuming service. */
export function allTopics(): TopicDefinition[] {
  const consumers = SERVICE_NAMES.filter((s) => s !== 'gateway');
  return [...Object.values(Topics), ...consumers.map(deadLetterTopicOf)];
}
