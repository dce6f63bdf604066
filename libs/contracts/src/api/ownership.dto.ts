import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'loyal', 'at_risk', 'churned', 'won_back'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const OWNERSHIP_CHANGES = ['assigned', 'transferred', 'claimed', 'released', 'recycled'] as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AssignOwnerRequest {
  @ApiProperty({ example: 'agent1', description: 'The user id (token subject) of the new owner', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  ownerId!: string;

  @ApiProperty({ example: 'north', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  team!: string;

  @ApiProperty({ example: 'territory change', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ReleaseToPoolRequest {
  @ApiProperty({ example: 'no budget this year', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ClaimFromPoolRequest {
  @ApiPropertyOptional({ example: 'met at the trade fair', maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class OwnershipChangeView {
  @ApiProperty({ enum: OWNERSHIP_CHANGES }) change!: string;
  @ApiProperty({ nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ nullable: true, type: String }) previousOwnerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) changedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class OwnershipView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: in the public pool' }) ownerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ type: OwnershipChangeView }) lastChange!: OwnershipChangeView;
}

export class OwnershipHistoryView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: [OwnershipChangeView] }) items!: OwnershipChangeView[];
}

export class JobResultView {
  @ApiProperty({ description: 'How many customers the run changed (0 when run again)' }) changed!: number;
  @ApiProperty({ type: [String] }) customerIds!: string[];
}

export class ChangeLifecycleRequest {
  @ApiProperty({ enum: LIFECYCLE_STAGES })
  @IsIn(LIFECYCLE_STAGES)
  stage!: LifecycleStage;

  @ApiProperty({ example: 'signed the annual contract', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class LifecycleChangeView {
  @ApiProperty({ enum: LIFECYCLE_STAGES, nullable: true, type: String }) from!: string | null;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) to!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'false: set by hand' }) automatic!: boolean;
  @ApiProperty({ nullable: true, type: String }) changedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class LifecycleView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) stage!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) changedAt!: string | null;
  @ApiProperty({ type: [LifecycleChangeView] }) history!: LifecycleChangeView[];
  @ApiPropertyOptional({
    enum: ['A', 'B', 'C'],
    nullable: true,
    type: String,
    description: "The value tier from analytics' latest score; null: not scored yet",
  })
  valueTier?: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Churn risk (0–1) of the latest score' })
  churnRisk?: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When analytics scored the customer (the latest applied score)',
  })
  scoredAt?: string | null;
}

export const ASSIGNMENT_RULES = ['round-robin'] as const;
export const VALUE_TIERS = ['A', 'B', 'C'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

/** Team names as tokens carry them (north, south…); also the path segment of the teams API. */
export const TEAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class AssignByRuleRequest {
  @ApiProperty({
    enum: ASSIGNMENT_RULES,
    example: 'round-robin',
    description: 'round-robin: the next member of the team in turn, skipping members at the holding cap',
  })
  @IsIn(ASSIGNMENT_RULES)
  rule!: (typeof ASSIGNMENT_RULES)[number];

  @ApiProperty({ example: 'north', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team!: string;

  @ApiPropertyOptional({ example: 'new lead from the web form', maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class TeamMembersRequest {
  @ApiProperty({
    type: [String],
    example: ['agent1', 'north-rep-2'],
    description: 'User ids (token subjects) in round-robin order; replaces the list',
    maxItems: 200,
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  userIds!: string[];
}

export class TeamView {
  @ApiProperty({ example: 'north' }) team!: string;
  @ApiProperty({ type: [String], description: 'Members in round-robin order' }) userIds!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'The member the next round-robin assignment tries first' })
  nextUserId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) updatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) updatedBy!: string | null;
}
