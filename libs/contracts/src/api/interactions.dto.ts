import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import {
  FOLLOW_UP_DUE_FILTERS,
  FOLLOW_UP_STATUSES,
  INTERACTION_CHANNELS,
  INTERACTION_DIRECTIONS,
  type FollowUpDueFilter,
  type FollowUpStatus,
  type InteractionChannel,
  type InteractionDirection,
} from '../interactions';
import { CALENDAR_INSTANT_PATTERN } from './business-calendars.dto';
import { TEAM_PATTERN } from './ownership.dto';
import { ASSIGNEE_PATTERN } from './tickets.dto';
import { PageQuery } from './paging.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const USER_MESSAGE = 'must be a user id (letters, digits, @ . _ : -; at most 200)';
const OFFSET_MESSAGE =
  'must be an ISO 8601 instant to the second with a time zone offset (Z or +08:00), in the years 1970–2199';
/** The longest contact worth recording: a day. */
const MAX_DURATION_SECONDS = 86_400;

/** What a contact was; shared by logging one and by completing a follow-up. */
class InteractionContent {
  @ApiProperty({ enum: INTERACTION_DIRECTIONS, example: 'outbound', description: 'Who reached out' })
  @IsIn(INTERACTION_DIRECTIONS)
  direction!: InteractionDirection;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-04T10:15:00+08:00',
    description: 'When it happened (with an offset); not in the future (422); default now',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `occurredAt ${OFFSET_MESSAGE}` })
  occurredAt?: string;

  @ApiPropertyOptional({
    example: 'Called about the renewal; wants the new price list by mail.',
    minLength: 1,
    maxLength: 4_000,
    description: 'What was said: about the customer, so masked without pii:read and audited when read',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 4_000)
  summary?: string;

  @ApiPropertyOptional({
    example: 'reached',
    minLength: 1,
    maxLength: 100,
    description: 'A short label: reached, no-answer, interested…',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  outcome?: string;

  @ApiPropertyOptional({ example: 240, minimum: 0, maximum: MAX_DURATION_SECONDS })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DURATION_SECONDS)
  durationSeconds?: number;
}

/** POST /api/v1/customers/{id}/interactions */
export class LogInteractionRequest extends InteractionContent {
  @ApiProperty({ enum: INTERACTION_CHANNELS, example: 'phone' })
  @IsIn(INTERACTION_CHANNELS)
  channel!: InteractionChannel;

  @ApiPropertyOptional({ example: 'agent1', description: 'The user who had the contact; default the caller' })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: `agent ${USER_MESSAGE}` })
  agent?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The ticket the contact was about' })
  @IsOptional()
  @IsUUID()
  ticketId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The campaign the contact belongs to' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A follow-up of the same customer it answers (to complete one, use POST /follow-ups/{id}/complete)',
  })
  @IsOptional()
  @IsUUID()
  followUpId?: string;
}

export class InteractionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: INTERACTION_CHANNELS }) channel!: InteractionChannel;
  @ApiProperty({ enum: INTERACTION_DIRECTIONS }) direction!: InteractionDirection;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: 'agent1' }) agent!: string;
  @ApiProperty({ nullable: true, type: String, example: 'north', description: "The logging caller's team" })
  team!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Masked without pii:read' }) summary!: string | null;
  @ApiProperty({ nullable: true, type: String }) outcome!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationSeconds!: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) ticketId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) campaignId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) followUpId!: string | null;
  @ApiProperty({ example: 'agent1', description: 'Who recorded it' }) loggedBy!: string;
  @ApiProperty({ format: 'date-time' }) loggedAt!: string;
}

export class InteractionPage {
  @ApiProperty({ type: [InteractionView] }) items!: InteractionView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
}

/** GET /api/v1/customers/{id}/interactions: the customer's timeline, newest first. */
export class CustomerTimelineQuery extends PageQuery() {
  @ApiPropertyOptional({ enum: INTERACTION_CHANNELS })
  @IsOptional()
  @IsIn(INTERACTION_CHANNELS)
  channel?: InteractionChannel;
}

/** GET /api/v1/interactions: every customer's contacts the caller may see, newest first. */
export class ListInteractionsQuery extends CustomerTimelineQuery {
  @ApiPropertyOptional({ example: 'agent1', description: "Only this user's contacts ('me': the caller's)" })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: `agent ${USER_MESSAGE}` })
  agent?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only contacts at or after this instant',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `from ${OFFSET_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only contacts before this instant',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `to ${OFFSET_MESSAGE}` })
  to?: string;
}

/** POST /api/v1/follow-ups */
export class CreateFollowUpRequest {
  @ApiProperty({ format: 'uuid', description: 'A customer interaction knows (from customer events); unknown: 422' })
  @IsUUID()
  customerId!: string;

  @ApiPropertyOptional({ example: 'agent1', description: 'Who follows up; default the caller' })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: `assignee ${USER_MESSAGE}` })
  assignee?: string;

  @ApiPropertyOptional({
    example: 'north',
    description: "The assignee's team (managers see their team's follow-ups); default the caller's team",
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team?: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-12-07T15:00:00+08:00',
    description: 'By when (with an offset); one in the past is overdue at once',
  })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `dueAt ${OFFSET_MESSAGE}` })
  dueAt!: string;

  @ApiProperty({ enum: INTERACTION_CHANNELS, example: 'phone', description: 'How to reach the customer' })
  @IsIn(INTERACTION_CHANNELS)
  channel!: InteractionChannel;

  @ApiPropertyOptional({ example: 'Ask whether the new price list arrived.', minLength: 1, maxLength: 2_000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2_000)
  note?: string;
}

/** POST /api/v1/follow-ups/{id}/complete: the contact that did it, logged as an interaction linked to the follow-up. */
export class CompleteFollowUpRequest extends InteractionContent {
  @ApiPropertyOptional({ enum: INTERACTION_CHANNELS, description: "Default the follow-up's channel" })
  @IsOptional()
  @IsIn(INTERACTION_CHANNELS)
  channel?: InteractionChannel;
}

/** POST /api/v1/follow-ups/{id}/snooze: give exactly one of until and businessMinutes. */
export class SnoozeFollowUpRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-08T10:00:00+08:00',
    description: 'The new due time (with an offset); must be in the future (422)',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `until ${OFFSET_MESSAGE}` })
  until?: string;

  @ApiPropertyOptional({
    example: 120,
    minimum: 1,
    maximum: 100_000,
    description: "The new due time is this many business minutes from now, on the follow-ups' business calendar",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  businessMinutes?: number;
}

export class ListFollowUpsQuery extends PageQuery() {
  @ApiPropertyOptional({ example: 'me', description: "Only this user's follow-ups ('me': the caller's)" })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: `assignee ${USER_MESSAGE}` })
  assignee?: string;

  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES)
  status?: FollowUpStatus;

  @ApiPropertyOptional({
    enum: FOLLOW_UP_DUE_FILTERS,
    description: "today: due on today's date in the follow-ups' calendar time zone (Asia/Shanghai by default)",
  })
  @IsOptional()
  @IsIn(FOLLOW_UP_DUE_FILTERS)
  due?: FollowUpDueFilter;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this customer's follow-ups" })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class FollowUpView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ example: 'agent1' }) assignee!: string;
  @ApiProperty({ nullable: true, type: String, example: 'north' }) team!: string | null;
  @ApiProperty({ enum: INTERACTION_CHANNELS }) channel!: InteractionChannel;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({
    format: 'date-time',
    description: "When its reminder (follow-up.due) fires: business minutes before dueAt on the follow-ups' calendar",
  })
  remindAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Masked without pii:read' }) note!: string | null;
  @ApiProperty({ enum: FOLLOW_UP_STATUSES, description: 'overdue: due time passed undone (computed at read time)' })
  status!: FollowUpStatus;
  @ApiProperty({ example: 0 }) snoozeCount!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The interaction that completed it' })
  interactionId!: string | null;
  @ApiProperty({ example: 'agent1' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The cadence enrolment that planned it (null: planned by hand)',
  })
  enrolmentId!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "Which of the cadence's steps (from 0)" })
  stepIndex!: number | null;
}

export class FollowUpPage {
  @ApiProperty({ type: [FollowUpView] }) items!: FollowUpView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
}

/** The answer of POST /follow-ups/{id}/complete: the follow-up, done, and the interaction it recorded. */
export class FollowUpCompletion {
  @ApiProperty({ type: FollowUpView }) followUp!: FollowUpView;
  @ApiProperty({ type: InteractionView }) interaction!: InteractionView;
}
