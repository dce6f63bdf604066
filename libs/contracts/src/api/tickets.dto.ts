import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  QUEUE_ASSIGNMENTS,
  QUEUE_NAME_PATTERN,
  ROUTING_REASONS,
  TICKET_CHANNELS,
  TICKET_HISTORY_KINDS,
  TICKET_PRIORITIES,
  SLA_FILTERS,
  TICKET_STATUSES,
  TICKET_TYPES,
  type QueueAssignment,
  type RoutingReason,
  type TicketChannel,
  type TicketHistoryKind,
  type TicketPriority,
  type SlaFilter,
  type TicketStatus,
  type TicketType,
} from '../tickets';
import { TEAM_PATTERN } from './ownership.dto';
import { PageQuery } from './paging.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A user's subject as the identity provider gives it (the assignee of a ticket). */
export const ASSIGNEE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9@._:-]{0,199}$/;
const ASSIGNEE_MESSAGE = 'assignee must be a user id (letters, digits, @ . _ : -; at most 200)';
const QUEUE_NAME_MESSAGE = 'queue must be a queue name (lower-case letters, digits, -; at most 63)';

/** POST /api/v1/tickets */
export class CreateTicketRequest {
  @ApiProperty({ format: 'uuid', description: 'A customer service-desk knows (from customer events); unknown: 422' })
  @IsUUID()
  customerId!: string;

  @ApiProperty({ enum: TICKET_TYPES, example: 'complaint' })
  @IsIn(TICKET_TYPES)
  type!: TicketType;

  @ApiProperty({ enum: TICKET_CHANNELS, example: 'phone', description: 'Where the ticket came in' })
  @IsIn(TICKET_CHANNELS)
  channel!: TicketChannel;

  @ApiProperty({ example: 'Order 1234 arrived damaged', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  subject!: string;

  @ApiProperty({
    example: 'The box was crushed and the kettle inside is dented.',
    minLength: 1,
    maxLength: 10_000,
    description: "The customer's words: personal data (masked without pii:read, audited when read)",
  })
  @Transform(trim)
  @IsString()
  @Length(1, 10_000)
  description!: string;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, default: 'normal' })
  @IsOptional()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ example: 'delivery', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ example: 'agent1', description: 'A user id; absent: unassigned (the team pool)' })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: ASSIGNEE_MESSAGE })
  assignee?: string;

  @ApiPropertyOptional({
    example: 'north',
    description: "The team that handles it; default the caller's team (required for a caller without one)",
  })
  @IsOptional()
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-04T09:30:00+08:00',
    description: 'When the customer raised it (with an offset); not in the future; default now',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'receivedAt must carry a time zone offset (Z or +08:00)' })
  receivedAt?: string;
}

/** PATCH /api/v1/tickets/{id}: conditional on If-Match (the ETag of the ticket); absent fields stay. */
export class UpdateTicketRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  subject?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 10_000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 10_000)
  description?: string;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES })
  @IsOptional()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ nullable: true, type: String, minLength: 1, maxLength: 100, description: 'null clears it' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  category?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'agent1',
    description: "A user id; null: back to the team's pool",
  })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: ASSIGNEE_MESSAGE })
  assignee?: string | null;

  @ApiPropertyOptional({ example: 3, description: 'The version the change is based on (alternative to If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999_999_999)
  version?: number;
}

export class ListTicketsQuery extends PageQuery() {
  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_TYPES })
  @IsOptional()
  @IsIn(TICKET_TYPES)
  type?: TicketType;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES })
  @IsOptional()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ example: 'agent1', description: 'Only tickets assigned to this user' })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: ASSIGNEE_MESSAGE })
  assignee?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this customer's tickets" })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ example: 'vip', description: 'Only the tickets of this queue' })
  @IsOptional()
  @IsString()
  @Matches(QUEUE_NAME_PATTERN, { message: QUEUE_NAME_MESSAGE })
  queue?: string;

  @ApiPropertyOptional({
    enum: SLA_FILTERS,
    description:
      'breached: a target passed its due time unmet; at-risk: a warning level fired (or 80 % of a target elapsed) and nothing breached yet',
  })
  @IsOptional()
  @IsIn(SLA_FILTERS)
  sla?: SlaFilter;
}

/** POST /api/v1/tickets/{id}/replies (to the customer) and /notes (internal). */
export class TicketTextRequest {
  @ApiProperty({ example: 'We are sorry: a replacement kettle is on its way.', minLength: 1, maxLength: 10_000 })
  @Transform(trim)
  @IsString()
  @Length(1, 10_000)
  text!: string;
}

/** POST /api/v1/tickets/{id}/transitions */
export class TicketTransitionRequest {
  @ApiProperty({
    enum: TICKET_STATUSES,
    example: 'investigating',
    description: 'The next status; a move the process does not allow from here is 409 listing the allowed ones',
  })
  @IsIn(TICKET_STATUSES)
  to!: TicketStatus;

  @ApiPropertyOptional({ maxLength: 2_000, description: 'Why (kept in the history)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2_000)
  note?: string;
}

/** A rating of one resolution of a ticket. */
export class TicketCsatView {
  @ApiProperty({ example: 1, description: 'Which resolution was rated (1 the first, 2 after a reopening, …)' })
  resolution!: number;
  @ApiProperty({ minimum: 1, maximum: 5, example: 4 }) rating!: number;
  @ApiProperty({ nullable: true, type: String, description: "The customer's comment (masked without pii:read)" })
  comment!: string | null;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

export class TicketView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: TICKET_TYPES }) type!: TicketType;
  @ApiProperty({ enum: TICKET_CHANNELS }) channel!: TicketChannel;
  @ApiProperty({ description: 'Masked without pii:read' }) subject!: string;
  @ApiProperty({ description: 'Masked without pii:read' }) description!: string;
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority!: TicketPriority;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A user id; null: unassigned (team pool)' })
  assignee!: string | null;
  @ApiProperty({ example: 'north' }) team!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'general',
    description: 'The queue routing put it in (VIP customers: vip; else the first matching queue; else general)',
  })
  queue!: string | null;
  @ApiProperty({ description: 'The customer was a VIP when it came in: such tickets are listed first' }) vip!: boolean;
  @ApiProperty({ enum: TICKET_STATUSES }) status!: TicketStatus;
  @ApiProperty({ enum: TICKET_STATUSES, isArray: true, description: 'Where POST …/transitions may move it now' })
  allowedTransitions!: TicketStatus[];
  @ApiProperty({ example: 1, description: 'Also the ETag ("1"): send it as If-Match on PATCH' }) version!: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstRepliedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closedAt!: string | null;
  @ApiProperty({ example: 0 }) reopenedCount!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'The earliest due time of its running SLA targets (first response, resolution): the list is sorted by it; null while none runs (paused, met, resolved). GET …/sla explains it',
  })
  slaDueAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '/api/v1/tickets/5b0c…/csat?token=eyJ0Ijoi…',
    description:
      'While resolved and not yet rated: the signed link that asks the customer for a rating (send it to them). Only for callers with tickets:write',
  })
  csatLink!: string | null;
  @ApiProperty({ nullable: true, type: () => TicketCsatView, description: 'The latest rating of a resolution' })
  lastCsat!: TicketCsatView | null;
}

export class TicketPage {
  @ApiProperty({ type: [TicketView] }) items!: TicketView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
}

export class TicketRoutingView {
  @ApiProperty({ example: 'vip' }) queue!: string;
  @ApiProperty({ enum: ROUTING_REASONS }) reason!: RoutingReason;
  @ApiProperty({ nullable: true, type: String, example: 'agent1' }) assignee!: string | null;
  @ApiProperty({ enum: QUEUE_ASSIGNMENTS, description: 'How the assignee was chosen' }) assignment!: QueueAssignment;
}

export class TicketHistoryEntryView {
  @ApiProperty({ example: 1, description: 'Order within the ticket' }) seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'agent1' }) actor!: string;
  @ApiProperty({ enum: TICKET_HISTORY_KINDS }) kind!: TicketHistoryKind;
  @ApiProperty({ nullable: true, enum: TICKET_STATUSES }) fromStatus!: TicketStatus | null;
  @ApiProperty({ nullable: true, enum: TICKET_STATUSES }) toStatus!: TicketStatus | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The text of a reply, note or transition note (masked without pii:read; null once erased)',
  })
  text!: string | null;
  @ApiProperty({
    isArray: true,
    type: String,
    description: 'For kind updated: the fields that changed',
  })
  changedFields!: string[];
  @ApiProperty({
    nullable: true,
    type: () => TicketRoutingView,
    description: 'For kind created: the queue routing chose, why, and who it assigned the ticket to',
  })
  routing!: TicketRoutingView | null;
  @ApiProperty({ nullable: true, type: Number, description: 'For kind csat: the rating (the comment is text)' })
  rating!: number | null;
}

export class TicketHistoryView {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: [TicketHistoryEntryView] }) items!: TicketHistoryEntryView[];
}

/** POST …/notes: the history entry written, on its ticket. */
export class TicketNoteView extends TicketHistoryEntryView {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
}

/** POST /api/v1/tickets/{id}/csat?token=…: the customer's rating of a resolution (public; the token is the authority). */
export class CsatRequest {
  @ApiProperty({ minimum: 1, maximum: 5, example: 4 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiPropertyOptional({ maxLength: 2_000, example: 'Quick and friendly.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2_000)
  comment?: string;
}

export class CsatTokenQuery {
  @ApiProperty({ description: 'The token of the signed link (csatLink)' })
  @IsString()
  @Length(1, 1_000)
  token!: string;
}

/** What the customer gets back: nothing of the ticket but that the rating was taken. */
export class CsatAnswer {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ example: 1 }) resolution!: number;
  @ApiProperty({ example: 4 }) rating!: number;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

/** Which new tickets a queue takes: each given list must contain the ticket's value (absent: any). */
export class QueueMatch {
  @ApiPropertyOptional({ enum: TICKET_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TICKET_TYPES.length)
  @ArrayUnique()
  @IsIn(TICKET_TYPES, { each: true })
  types?: TicketType[];

  @ApiPropertyOptional({ isArray: true, type: String, example: ['billing'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ enum: TICKET_CHANNELS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TICKET_CHANNELS.length)
  @ArrayUnique()
  @IsIn(TICKET_CHANNELS, { each: true })
  channels?: TicketChannel[];
}

/** PUT /api/v1/queues/{name}: creates or replaces the queue. */
export class PutQueueRequest {
  @ApiProperty({ example: 'north', description: 'The team that runs it; its manager (or an admin) may change it' })
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team!: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'manager',
    description: 'Who gets the tickets a low CSAT rating reopens',
  })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: 'lead must be a user id (letters, digits, @ . _ : -; at most 200)' })
  lead?: string | null;

  @ApiProperty({ type: [String], example: ['agent1', 'agent2'] })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(ASSIGNEE_PATTERN, { each: true, message: 'members must be user ids' })
  members!: string[];

  @ApiPropertyOptional({
    nullable: true,
    type: [String],
    description: 'The members who take new tickets now (absent or null: all of them)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(ASSIGNEE_PATTERN, { each: true, message: 'available must be user ids' })
  available?: string[] | null;

  @ApiProperty({ enum: QUEUE_ASSIGNMENTS, example: 'round-robin' })
  @IsIn(QUEUE_ASSIGNMENTS)
  assignment!: QueueAssignment;

  @ApiPropertyOptional({ type: QueueMatch, description: 'Absent: the queue matches no ticket by itself' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QueueMatch)
  match?: QueueMatch;

  @ApiPropertyOptional({ example: 100, default: 100, description: 'Rule order: the lowest matching queue wins' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ default: false, description: "The VIP queue: VIP customers' tickets go to it" })
  @IsOptional()
  @IsBoolean()
  vip?: boolean;
}

export class QueueView {
  @ApiProperty({ example: 'general' }) name!: string;
  @ApiProperty({ example: 'north' }) team!: string;
  @ApiProperty({ nullable: true, type: String, example: 'manager' }) lead!: string | null;
  @ApiProperty({ type: [String] }) members!: string[];
  @ApiProperty({ nullable: true, type: [String], description: 'null: all members are available' })
  available!: string[] | null;
  @ApiProperty({ enum: QUEUE_ASSIGNMENTS }) assignment!: QueueAssignment;
  @ApiProperty({ type: QueueMatch }) match!: QueueMatch;
  @ApiProperty({ example: 100 }) priority!: number;
  @ApiProperty() vip!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class QueueList {
  @ApiProperty({ type: [QueueView], description: 'By priority (rule order), then name' }) items!: QueueView[];
}
