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
