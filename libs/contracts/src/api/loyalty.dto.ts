import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  NotEquals,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const MAX_POINTS = 1_000_000_000;

/** POST /api/v1/loyalty/members/{customerId}/redemptions: either `points` or `rewardId`. */
export class RedemptionRequest {
  @ApiPropertyOptional({ example: 500, minimum: 1, description: 'A plain points redemption' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_POINTS)
  points?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Redeem a reward from the catalogue at its points price' })
  @IsOptional()
  @IsUUID()
  rewardId?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'true: only reserve (points held, a reward taken from stock) until POST …/redemptions/{redemptionId}/confirm or /cancel, or until the hold expires (LOYALTY_HOLD_MINUTES, default 15)',
  })
  @IsOptional()
  @IsBoolean()
  hold?: boolean;
}

export class RedemptionView {
  @ApiProperty({ format: 'uuid' }) redemptionId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ['confirmed'], description: 'The points are spent' }) status!: 'confirmed';
  @ApiProperty({ example: 500 }) points!: number;
  @ApiProperty({ example: 1200, description: 'Balance after the redemption' }) balance!: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) rewardId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'RP-3F9A0C1B2D4E',
    description: 'Single-use coupon for a reward',
  })
  couponCode!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The coupon can be used until then' })
  couponValidUntil!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** POST …/redemptions with `"hold": true`: a reservation, not yet a ledger movement. */
export class RedemptionHoldView {
  @ApiProperty({ format: 'uuid' }) redemptionId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ['reserved'] }) status!: 'reserved';
  @ApiProperty({ example: 500, description: 'Points held (a reward\u2019s price)' }) points!: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) rewardId!: string | null;
  @ApiProperty({ example: 700, description: 'Points the member can still spend or hold' }) available!: number;
  @ApiProperty({ format: 'date-time', description: 'Released unless confirmed or cancelled before then' })
  expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** GET …/redemptions/{redemptionId}, and the answer to cancel. */
export class RedemptionStatusView {
  @ApiProperty({ format: 'uuid' }) redemptionId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ['reserved', 'confirmed', 'cancelled', 'expired'] }) status!: string;
  @ApiProperty({ example: 500 }) points!: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) rewardId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The ledger movement, once confirmed' })
  movementId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When a hold runs out (null for a redemption confirmed at once)',
  })
  expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) couponCode!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) couponValidUntil!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) confirmedAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When a hold was cancelled or expired',
  })
  releasedAt!: string | null;
}

/** POST /api/v1/loyalty/members/{customerId}/adjustments (admin). */
export class AdjustmentRequest {
  @ApiProperty({
    example: -200,
    description: 'Positive credits a new lot; negative debits oldest first (never below zero)',
  })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_POINTS)
  @Max(MAX_POINTS)
  points!: number;

  @ApiProperty({ example: 'Goodwill for the late delivery of order 1234', minLength: 3, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class AdjustmentView {
  @ApiProperty({ format: 'uuid' }) movementId!: string;
  @ApiProperty({ example: 1000 }) balance!: number;
}

export class ExpiringPointsView {
  @ApiProperty({ example: 120 }) points!: number;
  @ApiProperty({ example: 30 }) withinDays!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the next lot expires' })
  nextExpiry!: string | null;
}

export class TierChangeView {
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class MemberView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ example: 'person' }) kind!: string;
  @ApiProperty({ example: 1200 }) balance!: number;
  @ApiProperty({ example: 700, description: 'Points that can be spent or held: the balance less running holds' })
  available!: number;
  @ApiProperty({ example: 500, description: 'Points set aside by running redemption holds (not yet spent)' })
  held!: number;
  @ApiProperty({ nullable: true, type: String, example: 'gold', description: 'null below the first tier' }) tier!:
    string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'The tier is reviewed (kept or lowered) then',
  })
  tierPeriodEndsAt!: string | null;
  @ApiProperty({ type: ExpiringPointsView }) expiringSoon!: ExpiringPointsView;
  @ApiProperty({ type: [TierChangeView] }) tierHistory!: TierChangeView[];
  @ApiProperty() erased!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class StatementQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be a cursor from a previous page' })
  before?: string;
}

export class StatementLineView {
  @ApiProperty({ format: 'uuid' }) movementId!: string;
  @ApiProperty({ enum: ['earn', 'redeem', 'expire', 'reverse', 'adjust', 'merge'] }) kind!: string;
  @ApiProperty({ example: -500, description: 'Signed change of the balance' }) points!: number;
  @ApiProperty({ example: 700, description: 'Running balance after this movement' }) balanceAfter!: number;
  @ApiProperty({ example: 0, description: 'Points a reversal could not take back' }) shortfall!: number;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'purchase:6d4015a7-…' }) sourceId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class StatementView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ example: 700 }) balance!: number;
  @ApiProperty({ type: [StatementLineView], description: 'Newest first' }) items!: StatementLineView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `before` for the next page; null on the last' })
  nextCursor!: string | null;
}

/** POST /api/v1/loyalty/rewards (admin). */
export class CreateRewardRequest {
  @ApiProperty({ example: 'Coffee voucher', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiProperty({ example: 500, minimum: 1 })
  @IsInt()
  @IsPositive()
  @Max(MAX_POINTS)
  pointsPrice!: number;

  @ApiPropertyOptional({ example: 100, minimum: 0, description: 'Omit for unlimited stock' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_POINTS)
  stock?: number;

  // Years from 1000: the strict ISO 8601 check refuses earlier ones.
  @ApiPropertyOptional({ format: 'date-time', pattern: '^[1-9][0-9]{3}-', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    pattern: '^[1-9][0-9]{3}-',
    example: '2027-01-01T00:00:00Z',
    description: 'After validFrom',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string;

  @ApiPropertyOptional({ example: 'gold', description: 'Only members of this tier or higher may redeem' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  minTier?: string;
}

export class RewardView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() pointsPrice!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'null: unlimited' }) stock!: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) validFrom!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) validUntil!: string | null;
  @ApiProperty({ nullable: true, type: String }) minTier!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RewardListQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;
}

export class RewardListView {
  @ApiProperty({ type: [RewardView] }) items!: RewardView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** POST /api/v1/loyalty/admin/expiry-runs (admin). */
export class ExpiryRunRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    pattern: '^[1-9][0-9]{3}-',
    description: 'Expire as of this instant (default: now); lets operators catch up or rehearse',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

export class ExpiryRunView {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ description: 'Members whose points expired in this run' }) members!: number;
  @ApiProperty({ description: 'Points expired in this run' }) points!: number;
  @ApiProperty({ description: 'Redemption holds that ran out by asOf and were released in this run' })
  holdsReleased!: number;
  @ApiProperty({ description: 'Members whose tier period ended and were reviewed' }) tiersReviewed!: number;
  @ApiProperty() tiersChanged!: number;
}

export class ReconciliationView {
  @ApiProperty({ description: 'True when every check below holds' }) ok!: boolean;
  @ApiProperty({ description: 'Sum of all ledger entries (double entry: 0)' }) entriesSum!: number;
  @ApiProperty({ description: 'Movements whose two entries do not balance or do not match the movement' })
  unbalancedMovements!: number;
  @ApiProperty({ description: 'Credit balance of the member_liability account' }) liabilityTotal!: number;
  @ApiProperty({ description: 'Sum of the members\u2019 balances' }) balanceTotal!: number;
  @ApiProperty({ description: 'Sum of all movements' }) movementsTotal!: number;
  @ApiProperty({ description: 'Sum of what is left in the lots' }) lotsTotal!: number;
  @ApiProperty() negativeLots!: number;
  @ApiProperty({ description: 'Members whose balance differs from their liability, movements or lots' })
  mismatchedMembers!: number;
  @ApiProperty({ description: 'Points refunds could not take back' }) shortfallTotal!: number;
  @ApiProperty({ type: Object, example: { member_liability: -1200, points_expense: 1500, redemptions: -300 } })
  accounts!: Record<string, number>;
}

export class ProgrammeView {
  @ApiProperty({ type: Object, description: 'Earn rules, validity and tiers (see the README)' }) config!: Record<
    string,
    unknown
  >;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** PATCH /api/v1/loyalty/programme (admin): top-level fields of `config` replace the current ones. */
export class UpdateProgrammeRequest {
  @ApiProperty({ example: 3, description: 'The version you read; a stale one gets 412' })
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  version!: number;

  @ApiProperty({
    type: Object,
    example: {
      pointsPerUnit: 2,
      campaigns: [
        { name: 'Double points week', from: '2026-12-01T00:00:00Z', until: '2026-12-08T00:00:00Z', multiplierPct: 200 },
      ],
    },
  })
  @IsObject()
  config!: Record<string, unknown>;
}

export class ReferralCodeView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({
    example: '9F3A0C1B2D',
    description: 'Hand it to friends; they register it before their first purchase',
  })
  code!: string;
}

/** POST /api/v1/loyalty/members/{customerId}/referral: the new customer names who referred them. */
export class RegisterReferralRequest {
  @ApiProperty({ example: '9F3A0C1B2D' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(/^[0-9A-F]{10}$/, { message: 'code must be a referral code such as 9F3A0C1B2D' })
  code!: string;
}

export class ReferralView {
  @ApiProperty({ format: 'uuid' }) referredId!: string;
  @ApiProperty({ format: 'uuid' }) referrerId!: string;
  @ApiProperty({ enum: ['pending', 'completed'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CouponUseView {
  @ApiProperty({ example: 'RP-3F9A0C1B2D4E' }) code!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ format: 'uuid' }) rewardId!: string;
  @ApiProperty({ format: 'date-time' }) usedAt!: string;
}
