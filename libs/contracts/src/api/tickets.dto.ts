import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  TICKET_CHANNELS,
  TICKET_HISTORY_KINDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type TicketChannel,
  type TicketHistoryKind,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from '../tickets';
import { TEAM_PATTERN } from './ownership.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** A user's subject as the identity provider gives it (the assignee of a ticket). */
export const ASSIGNEE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9@._:-]{0,199}$/;
const ASSIGNEE_MESSAGE = 'assignee must be a user id (letters, digits, @ . _ : -; at most 200)';

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

export class ListTicketsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

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
  @ApiProperty({ nullable: true, type: String, description: 'Queues come later' }) queue!: string | null;
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
}

export class TicketPage {
  @ApiProperty({ type: [TicketView] }) items!: TicketView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
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
