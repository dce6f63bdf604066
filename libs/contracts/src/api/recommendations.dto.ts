import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const RECOMMENDATIONS_K_MAX = 50;
export const RECOMMENDATION_EXCLUDES = ['purchased', 'none'] as const;
export type RecommendationExclude = (typeof RECOMMENDATION_EXCLUDES)[number];

/** GET /api/v1/analytics/customers/{customerId}/recommendations */
export class RecommendationsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: RECOMMENDATIONS_K_MAX, default: 10, description: 'How many SKUs' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'k must be a whole number' })
  @Min(1)
  @Max(RECOMMENDATIONS_K_MAX)
  k?: number;

  @ApiPropertyOptional({
    enum: RECOMMENDATION_EXCLUDES,
    default: 'purchased',
    description: "'purchased' leaves out the SKUs the customer already bought; 'none' keeps them",
  })
  @IsOptional()
  @IsIn(RECOMMENDATION_EXCLUDES, { message: `exclude must be one of: ${RECOMMENDATION_EXCLUDES.join(', ')}` })
  exclude?: RecommendationExclude;
}

export class RecommendationDriverView {
  @ApiProperty({ example: 'TEA-POT-01', description: 'A SKU the customer bought' })
  sku!: string;
  @ApiProperty({ example: 3, description: 'Baskets holding both that SKU and the recommended one' })
  baskets!: number;
  @ApiProperty({ example: 0.7071, description: 'Cosine similarity of the two SKUs: baskets / sqrt(n(i) · n(j))' })
  cosine!: number;
}

export class RecommendationItemView {
  @ApiProperty({ example: 'TEA-CUP-SET' })
  sku!: string;
  @ApiProperty({
    example: 1.2071,
    description:
      "basis co-occurrence: the sum of the cosines with the customer's SKUs that drove it; basis popularity: the baskets holding it",
  })
  score!: number;
  @ApiProperty({ example: 'bought with TEA-POT-01 in 3 baskets, OOLONG-250G in 2 baskets' })
  reason!: string;
  @ApiProperty({
    type: [RecommendationDriverView],
    description: "The customer's SKUs that drove it (empty for popularity)",
  })
  because!: RecommendationDriverView[];
}

export class RecommendationModelRefView {
  @ApiProperty({ format: 'uuid' }) buildId!: string;
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z' }) builtAt!: string;
  @ApiProperty({ example: 5321, description: 'Baskets the model was built from' }) baskets!: number;
}

export class CustomerRecommendationsView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ example: 10 }) k!: number;
  @ApiProperty({ example: true }) excludePurchased!: boolean;
  @ApiProperty({
    enum: ['co-occurrence', 'popularity'],
    description:
      "'popularity' when the customer bought nothing yet, or nothing they bought is bought with anything else",
  })
  basis!: 'co-occurrence' | 'popularity';
  @ApiPropertyOptional({ example: 'No purchases on record: the most bought SKUs' })
  note?: string;
  @ApiProperty({ example: 4, description: "The customer's baskets now (fully refunded purchases do not count)" })
  baskets!: number;
  @ApiProperty({ type: [String], example: ['TEA-POT-01', 'OOLONG-250G'], description: 'The SKUs they bought' })
  purchasedSkus!: string[];
  @ApiProperty({ type: [RecommendationItemView] }) items!: RecommendationItemView[];
  @ApiProperty({ type: RecommendationModelRefView }) model!: RecommendationModelRefView;
}

export class RecommendationMetricsView {
  @ApiProperty({ example: 0.4213, description: 'Share of evaluated customers with a held-out SKU among the first k' })
  hitRate!: number;
  @ApiProperty({ example: 0.2871, description: 'Mean NDCG@k (binary relevance, gain 1/log2(rank + 1))' })
  ndcg!: number;
  @ApiProperty({ example: 1204, description: 'Evaluated customers with a hit' })
  hits!: number;
}

export class RecommendationEvaluationView {
  @ApiProperty({ format: 'uuid' }) buildId!: string;
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z', description: 'When the build (and its evaluation) finished' })
  builtAt!: string;
  @ApiProperty({ example: 10 }) k!: number;
  @ApiProperty({ example: 3120, description: 'Customers with at least two baskets' })
  customersEligible!: number;
  @ApiProperty({
    example: 3120,
    description:
      'Those whose last basket was held out: all of them, or a fixed sample of ANALYTICS_RECOMMENDATIONS_EVAL_CUSTOMERS (the first by md5 of their id)',
  })
  customersWithHoldout!: number;
  @ApiProperty({ example: 2858, description: 'Of those, the customers whose held-out basket held a SKU new to them' })
  customersEvaluated!: number;
  @ApiProperty({ example: 262, description: 'Held-out baskets of SKUs the customer had all bought before' })
  customersSkipped!: number;
  @ApiProperty({ example: 9001, description: 'Baskets the evaluation model was trained on' })
  trainingBaskets!: number;
  @ApiProperty({ type: RecommendationMetricsView, description: 'The co-occurrence model' })
  model!: RecommendationMetricsView;
  @ApiProperty({ type: RecommendationMetricsView, description: 'The most bought SKUs (the customer’s own left out)' })
  baseline!: RecommendationMetricsView;
  @ApiProperty({ example: 'each customer’s last basket held out; model and baseline trained on the other baskets' })
  split!: string;
}

export class RecommendationBuildView {
  @ApiProperty({ format: 'uuid' }) buildId!: string;
  @ApiProperty({ enum: ['finished', 'running'] }) status!: 'finished' | 'running';
  @ApiProperty({ enum: ['schedule', 'request'] }) trigger!: 'schedule' | 'request';
  @ApiProperty({ example: '2026-12-05T01:00:00.000Z' }) startedAt!: string;
  @ApiPropertyOptional({ example: '2026-12-05T01:00:02.300Z' }) finishedAt?: string;
  @ApiPropertyOptional({ example: 2300 }) durationMs?: number;
  @ApiPropertyOptional({ example: 12000, description: 'Baskets (purchases not fully refunded)' }) baskets?: number;
  @ApiPropertyOptional({ example: 800, description: 'Distinct SKUs in them' }) skus?: number;
  @ApiPropertyOptional({ example: 15400, description: 'SKU pairs bought together (at least the minimum support)' })
  pairs?: number;
  @ApiPropertyOptional({ example: 9800, description: 'Neighbour rows kept (at most `neighbours` per SKU)' })
  neighboursKept?: number;
  @ApiPropertyOptional({
    example: { neighbours: 50, minCoCount: 1, k: 10, evalCustomers: 20000 },
    description:
      'Neighbours kept per SKU, the fewest shared baskets a pair needs, the evaluation’s k and the most customers it holds out (null: all)',
  })
  settings?: { neighbours: number; minCoCount: number; k: number; evalCustomers: number | null };
  @ApiPropertyOptional({
    example: { stageBaskets: 900, countPairs: 1200, model: 800, popularity: 40, trainingModel: 500, evaluation: 1500 },
    description: 'Milliseconds each step of the build took',
  })
  stepsMs?: Record<string, number>;
  @ApiPropertyOptional({ type: RecommendationEvaluationView }) evaluation?: RecommendationEvaluationView;
}
