import { ApiProperty } from '@nestjs/swagger';

/** GET /api/v1/analytics/customers/{id}: what the scores were computed from. */
export class ScoreInputsView {
  @ApiProperty({ example: 2, description: 'Whole days from the last purchase to computedAt' })
  recencyDays!: number;
  @ApiProperty({ example: 3, description: 'Number of purchases' })
  frequency!: number;
  @ApiProperty({ example: '612.00', description: 'Net value in the base currency: purchases minus refunds' })
  monetary!: string;
  @ApiProperty({ example: '2026-12-02T08:00:00.000Z' })
  lastPurchaseAt!: string;
}

export class ScoreCutPointsView {
  @ApiProperty({
    type: [Number],
    example: [3, 9, 21, 40],
    description: 'Recency quintile cut points in days: 5, one less for each cut point the days are above',
  })
  recencyDays!: number[];
  @ApiProperty({ type: [Number], example: [1, 1, 2, 3], description: 'Frequency quintile cut points' })
  frequency!: number[];
  @ApiProperty({ type: [String], example: ['88.00', '177.00', '320.00', '540.00'] })
  monetary!: string[];
}

export class TierCutView {
  @ApiProperty({ example: 0.8, description: 'Share of total value tier A makes up (ANALYTICS_TIER_A_SHARE)' })
  aShare!: number;
  @ApiProperty({ example: 0.95, description: 'Cumulative share up to which customers are B (ANALYTICS_TIER_B_SHARE)' })
  bShare!: number;
  @ApiProperty({ example: 4382, description: 'Total positive value of all customers with purchases' })
  totalValue!: number;
  @ApiProperty({ example: 540, nullable: true, type: Number, description: 'Lowest value still A' })
  aMinValue!: number | null;
  @ApiProperty({ example: 120, nullable: true, type: Number, description: 'Lowest value still B' })
  bMinValue!: number | null;
}

export class CustomerScoresView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 }) recency!: number;
  @ApiProperty({ minimum: 1, maximum: 5, example: 3 }) frequency!: number;
  @ApiProperty({ minimum: 1, maximum: 5, example: 4 }) monetary!: number;
  @ApiProperty({ enum: ['A', 'B', 'C'], example: 'A' }) valueTier!: 'A' | 'B' | 'C';
  @ApiProperty({ type: ScoreInputsView }) inputs!: ScoreInputsView;
  @ApiProperty({ type: ScoreCutPointsView }) cutPoints!: ScoreCutPointsView;
  @ApiProperty({ type: TierCutView }) tier!: TierCutView;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) computedAt!: string;
  @ApiProperty({ example: 'incremental', description: "'incremental' (a purchase or refund) or 'run:<run id>'" })
  computedBy!: string;
}

/** One partition of a topic analytics consumes, in a rebuild: how far the replay got. */
export class RebuildPartitionView {
  @ApiProperty({ example: 'rapport.customer-profile.customers' }) topic!: string;
  @ApiProperty({ example: 0 }) partition!: number;
  @ApiProperty({
    example: '0',
    description: 'Oldest offset still kept when the rebuild started; above 0, retention had deleted older events',
  })
  earliest!: string;
  @ApiProperty({ example: '1523', description: 'High-water mark captured when the rebuild started' })
  target!: string;
  @ApiProperty({
    example: '1200',
    nullable: true,
    type: String,
    description:
      "The analytics consumer group's committed offset (the next record it reads); null before its first commit",
  })
  reached!: string | null;
  @ApiProperty({ example: false, description: 'Reached its target (or had nothing to replay)' })
  done!: boolean;
}

/** POST /api/v1/analytics/rebuilds, GET /api/v1/analytics/rebuilds/{rebuildId}. */
export class RebuildView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'], example: 'running' }) state!: string;
  @ApiProperty({
    enum: ['stopping', 'replaying', 'done'],
    example: 'replaying',
    description: 'stopping: the replicas stop consuming; replaying: read models emptied, events applied again',
  })
  phase!: string;
  @ApiProperty({ example: 'admin' }) requestedBy!: string;
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: '2026-12-05T01:00:02.000Z', nullable: true, type: String }) replayStartedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ example: 5210, description: 'Events applied since the replay began (later events included)' })
  eventsApplied!: number;
  @ApiProperty({ example: true, description: 'Every partition still held its first event (nothing lost to retention)' })
  historyComplete!: boolean;
  @ApiProperty({ type: [String], example: ['customer_facts', 'inbox', 'purchases'] }) emptiedTables!: string[];
  @ApiProperty({ type: [RebuildPartitionView] }) partitions!: RebuildPartitionView[];
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why it failed' }) error!: string | null;
}
