import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CALENDAR_INSTANT_PATTERN } from './business-calendars.dto';

const INSTANT_MESSAGE = 'must be an ISO 8601 instant to the second with an offset (Z or ±HH:MM)';

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
  @ApiPropertyOptional({
    type: () => CustomerClvView,
    nullable: true,
    description: 'Lifetime value from the current CLV model; null when no fit has succeeded yet',
  })
  clv?: CustomerClvView | null;
  @ApiPropertyOptional({
    type: () => CustomerChurnView,
    nullable: true,
    description: 'Churn risk with its drivers; null before the customer was assessed',
  })
  churn?: CustomerChurnView | null;
}

/** POST /api/v1/analytics/models/clv/fits */
export class ClvFitRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '1997-09-30T00:00:00Z',
    description:
      'End of the calibration period: the fit uses purchases up to this instant (default: now); T is counted in whole UTC days to its day',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `calibrationEnd ${INSTANT_MESSAGE}` })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'calibrationEnd is not a real date and time' })
  calibrationEnd?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '1998-06-30T00:00:00Z',
    description:
      'End of a holdout period after calibrationEnd: the fit then reports predicted against actual repeat purchases in it (422 unless after calibrationEnd and in the past)',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `holdoutEnd ${INSTANT_MESSAGE}` })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'holdoutEnd is not a real date and time' })
  holdoutEnd?: string;
}

export class BgNbdParamsView {
  @ApiProperty({ example: 0.2426, description: 'Shape of the gamma distribution of purchase rates' }) r!: number;
  @ApiProperty({
    example: 4.4135,
    description: 'Scale of the gamma distribution of purchase rates, in WEEKS (× 7 for days)',
  })
  alpha!: number;
  @ApiProperty({ example: 0.7929, description: 'Beta distribution of the dropout probability after a purchase' })
  a!: number;
  @ApiProperty({ example: 2.4258 }) b!: number;
  @ApiProperty({ example: -9582.43 }) logLikelihood!: number;
}

export class GammaGammaParamsView {
  @ApiProperty({ example: 6.25, description: 'Shape of each transaction’s value' }) p!: number;
  @ApiProperty({ example: 3.74, description: 'Shape of the gamma distribution of customers’ value scale' }) q!: number;
  @ApiProperty({ example: 15.44, description: 'Scale of the gamma distribution of customers’ value scale' })
  gamma!: number;
  @ApiProperty({ example: -4052.4 }) logLikelihood!: number;
}

export class ClvFitDataView {
  @ApiProperty({ example: 'week', description: 'The time unit of alpha, recency and T' }) timeUnit!: 'week';
  @ApiProperty({ example: '1997-01-01T00:00:00.000Z', nullable: true, type: String }) firstPurchaseAt!: string | null;
  @ApiProperty({ example: '1997-09-30T00:00:00.000Z' }) calibrationEnd!: string;
  @ApiProperty({ example: 2357, description: 'Customers with a purchase up to calibrationEnd' }) customers!: number;
  @ApiProperty({
    example: 4814,
    description: 'Transactions: purchases, those of one customer on one UTC day counted once',
  })
  transactions!: number;
  @ApiProperty({ example: 946, description: 'Customers with a repeat transaction (the Gamma-Gamma fit’s)' })
  repeatCustomers!: number;
  @ApiProperty({ example: 1418, description: 'Weighted rows after collapsing equal (x, t_x, T)' }) rows!: number;
  @ApiProperty({
    example: 120,
    description: 'Time of the SQL pass that built the rows, ms (the rest of durationMs is the optimisation)',
  })
  loadMs!: number;
  @ApiPropertyOptional({
    example: 900,
    description: 'CPU time of the optimisation on its thread, ms (wall time also counts waiting for a busy machine)',
  })
  optimiseCpuMs?: number;
}

export class ClvHoldoutView {
  @ApiProperty({ example: '1998-06-30T00:00:00.000Z' }) holdoutEnd!: string;
  @ApiProperty({ example: 39, description: 'Length of the holdout in weeks' }) weeks!: number;
  @ApiProperty({ example: 1653.4, description: 'Repeat transactions the model expects in the holdout, summed' })
  predicted!: number;
  @ApiProperty({ example: 1882, description: 'Repeat transactions that happened in the holdout' }) actual!: number;
  @ApiProperty({ example: -0.1215, description: '(predicted − actual) / actual' }) relativeError!: number;
  @ApiProperty({ example: 0.82, description: 'Mean absolute error per customer, in transactions' }) mae!: number;
  @ApiProperty({ example: 1.9, description: 'Root mean squared error per customer, in transactions' }) rmse!: number;
}

export class ClvFitErrorView {
  @ApiProperty({
    example: 'clv-fit-not-converged',
    enum: ['clv-not-enough-data', 'clv-fit-not-converged', 'clv-fit-failed'],
  })
  code!: string;
  @ApiProperty({ example: 'BG/NBD: none of 4 starts converged' }) detail!: string;
}

export class ClvFitView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'], example: 'succeeded' }) status!:
    'running' | 'succeeded' | 'failed';
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z' }) requestedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-05T01:00:03.100Z' }) finishedAt!: string | null;
  @ApiProperty({ example: '1997-09-30T00:00:00.000Z' }) calibrationEnd!: string;
  @ApiProperty({ nullable: true, type: String }) holdoutEnd!: string | null;
  @ApiProperty({ type: ClvFitDataView, nullable: true }) data!: ClvFitDataView | null;
  @ApiProperty({ type: BgNbdParamsView, nullable: true }) bgnbd!: BgNbdParamsView | null;
  @ApiProperty({ type: GammaGammaParamsView, nullable: true }) gammaGamma!: GammaGammaParamsView | null;
  @ApiProperty({ type: ClvHoldoutView, nullable: true }) holdout!: ClvHoldoutView | null;
  @ApiProperty({ type: ClvFitErrorView, nullable: true }) error!: ClvFitErrorView | null;
  @ApiProperty({ nullable: true, type: Number, example: 3100 }) durationMs!: number | null;
}

export class CustomerClvView {
  @ApiProperty({ example: 52, description: 'Horizon of expectedPurchases and clv, in weeks' }) horizonWeeks!: number;
  @ApiProperty({ example: 1.83, description: 'Expected repeat transactions over the horizon (BG/NBD)' })
  expectedPurchases!: number;
  @ApiProperty({
    example: 0.74,
    minimum: 0,
    maximum: 1,
    description: 'Probability the customer is still active (BG/NBD)',
  })
  pAlive!: number;
  @ApiProperty({
    example: '24.66',
    nullable: true,
    type: String,
    description:
      'Expected value of a transaction in the base currency (Gamma-Gamma); null when the fit has no spend model',
  })
  expectedSpend!: string | null;
  @ApiProperty({
    example: '45.13',
    nullable: true,
    type: String,
    description: 'expectedPurchases × expectedSpend over the horizon, undiscounted, never negative',
  })
  clv!: string | null;
  @ApiProperty({ description: 'The customer’s history as of computedAt, in weeks' })
  inputs!: { frequency: number; recencyWeeks: number; ageWeeks: number; meanRepeatSpend: string };
  @ApiProperty({ format: 'uuid', description: 'The fit whose parameters were used' }) fitId!: string;
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z' }) computedAt!: string;
}

export class ChurnDriverView {
  @ApiProperty({ enum: ['p-alive', 'no-recent-contact', 'open-complaints', 'low-survey-score'] }) driver!: string;
  @ApiProperty({ example: 1.2, description: 'Its share of the risk’s log-odds' }) weight!: number;
  @ApiProperty({ example: 'P(alive) 0.231 by BG/NBD; 210 days since the last purchase' }) detail!: string;
}

export class CustomerChurnView {
  @ApiProperty({ example: 0.83, minimum: 0, maximum: 1 }) risk!: number;
  @ApiProperty({ example: 0.7, description: 'churn.risk-raised and customer-profile’s at-risk from here' })
  threshold!: number;
  @ApiProperty({ example: true }) atRisk!: boolean;
  @ApiProperty({ example: 0.231, minimum: 0, maximum: 1 }) pAlive!: number;
  @ApiProperty({ enum: ['bgnbd', 'recency'], description: 'How P(alive) was estimated' }) method!: string;
  @ApiProperty({ example: 210 }) daysSinceLastPurchase!: number;
  @ApiProperty({ type: [ChurnDriverView], description: 'What raised the risk, largest first' })
  drivers!: ChurnDriverView[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) fitId!: string | null;
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z' }) computedAt!: string;
}

/** GET /api/v1/analytics/models/churn/evaluation */
export class ChurnEvaluationQuery {
  @ApiProperty({ format: 'date-time', example: '2026-06-30T00:00:00Z', description: 'Score as of this instant' })
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `asOf ${INSTANT_MESSAGE}` })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'asOf is not a real date and time' })
  asOf!: string;

  @ApiPropertyOptional({
    default: 90,
    minimum: 1,
    maximum: 730,
    description: 'A customer churned when they did not buy in this many days after asOf (422 unless that is over)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(730)
  horizonDays?: number;
}

export class ChurnBaselineView {
  @ApiProperty({ example: 'the same number of customers, longest since the last purchase first' }) rule!: string;
  @ApiProperty({ nullable: true, type: Number }) precision!: number | null;
  @ApiProperty({ nullable: true, type: Number }) recall!: number | null;
}

export class ChurnEvaluationView {
  @ApiProperty() asOf!: string;
  @ApiProperty() horizonDays!: number;
  @ApiProperty({ example: 0.7 }) threshold!: number;
  @ApiProperty() churnDefinition!: string;
  @ApiProperty({ description: 'How P(alive) was estimated, and the CLV fit used' }) model!: Record<string, unknown>;
  @ApiProperty({ type: [String], example: ['p-alive'] }) signalsUsed!: string[];
  @ApiProperty({ example: 2357 }) customers!: number;
  @ApiProperty({ example: 1500 }) churned!: number;
  @ApiProperty({ nullable: true, type: Number }) churnRate!: number | null;
  @ApiProperty({ description: 'Customers at or above the threshold' }) flagged!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Of those flagged, the share that churned' })
  precision!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Of those who churned, the share flagged' })
  recall!: number | null;
  @ApiProperty({ type: ChurnBaselineView }) baseline!: ChurnBaselineView;
  @ApiProperty({ nullable: true, type: Number, description: 'precision / baseline precision' }) lift!: number | null;
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
