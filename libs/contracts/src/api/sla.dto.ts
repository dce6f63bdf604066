import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  SLA_ESCALATION_ACTIONS,
  SLA_TARGET_KINDS,
  SLA_TIERS,
  TICKET_PRIORITIES,
  type SlaEscalationAction,
  type SlaTargetKind,
  type SlaTier,
  type TicketPriority,
} from '../tickets';

/**
 * SLA policies (service-desk): one document, versioned, giving each priority × customer tier its
 * first-response and resolution targets in business minutes on a named business calendar, and the
 * escalation levels. The shape is checked here; the rules across fields by the service (422): every
 * priority has a `none` cell (the fallback of a tier without its own cell), no cell twice, no
 * escalation level twice, and the calendar exists.
 */

/** The longest target: a year of working minutes. */
export const SLA_TARGET_MINUTES_MAX = 525_600;
/** Cells of a policy: 4 priorities × 5 tiers. */
export const SLA_TARGETS_MAX = TICKET_PRIORITIES.length * SLA_TIERS.length;
export const SLA_ESCALATIONS_MAX = 20;

export class SlaTargetCell {
  @ApiProperty({ enum: TICKET_PRIORITIES })
  @IsIn(TICKET_PRIORITIES)
  priority!: TicketPriority;

  @ApiProperty({
    enum: SLA_TIERS,
    description:
      "The customer's value tier; VIP applies to a VIP customer whatever its tier; none is the priority's fallback for a tier without its own cell (required for every priority)",
  })
  @IsIn(SLA_TIERS)
  tier!: SlaTier;

  @ApiProperty({ minimum: 1, maximum: SLA_TARGET_MINUTES_MAX, example: 30, description: 'Business minutes' })
  @IsInt()
  @Min(1)
  @Max(SLA_TARGET_MINUTES_MAX)
  firstResponseMinutes!: number;

  @ApiProperty({ minimum: 1, maximum: SLA_TARGET_MINUTES_MAX, example: 240, description: 'Business minutes' })
  @IsInt()
  @Min(1)
  @Max(SLA_TARGET_MINUTES_MAX)
  resolutionMinutes!: number;
}

export class SlaEscalationLevel {
  @ApiProperty({
    minimum: 1,
    maximum: 100,
    example: 80,
    description: 'Percent of the target elapsed; 100 is the breach',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  atPercent!: number;

  @ApiProperty({ enum: SLA_TARGET_KINDS })
  @IsIn(SLA_TARGET_KINDS)
  target!: SlaTargetKind;

  @ApiProperty({ enum: SLA_ESCALATION_ACTIONS })
  @IsIn(SLA_ESCALATION_ACTIONS)
  action!: SlaEscalationAction;
}

/** The policy document: calendar, target cells and escalation levels. */
export class SlaPolicyDocumentFields {
  @ApiProperty({ format: 'uuid', description: 'The business calendar the targets are counted on' })
  @IsUUID()
  calendarId!: string;

  @ApiProperty({ type: [SlaTargetCell], minItems: 1, maxItems: SLA_TARGETS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SLA_TARGETS_MAX)
  @ValidateNested({ each: true })
  @Type(() => SlaTargetCell)
  targets!: SlaTargetCell[];

  @ApiProperty({ type: [SlaEscalationLevel], maxItems: SLA_ESCALATIONS_MAX })
  @IsArray()
  @ArrayMaxSize(SLA_ESCALATIONS_MAX)
  @ValidateNested({ each: true })
  @Type(() => SlaEscalationLevel)
  escalations!: SlaEscalationLevel[];
}

/** PUT /api/v1/sla-policies (admin): the whole policy document, a new version. */
export class SlaPolicyRequest extends SlaPolicyDocumentFields {
  @ApiPropertyOptional({
    minimum: 1,
    description: 'The version read (or send its ETag as If-Match): a stale one gets 412; unconditional without',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** GET /api/v1/sla-policies: the current version. */
export class SlaPolicyView extends SlaPolicyDocumentFields {
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() updatedBy!: string;
}

export class SlaPauseView {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) to!: string | null;
  @ApiProperty({ enum: ['pending-customer', 'resolved'] }) reason!: 'pending-customer' | 'resolved';
  @ApiProperty({ description: 'Business minutes of the pause (to now while open)' }) businessMinutes!: number;
}

export class SlaOverrideView {
  @ApiProperty({ example: '2026-02-17' }) date!: string;
  @ApiProperty({ enum: ['holiday', 'workday', 'closure'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
}

export class SlaTargetView {
  @ApiProperty({ enum: SLA_TARGET_KINDS }) target!: SlaTargetKind;
  @ApiProperty() targetMinutes!: number;
  @ApiProperty({ nullable: true, type: String, description: "With the calendar's offset; null while paused" })
  due!: string | null;
  @ApiProperty() elapsedMinutes!: number;
  @ApiProperty({ description: 'Negative once breached' }) remainingMinutes!: number;
  @ApiProperty({ enum: ['running', 'paused', 'met', 'breached'] }) state!: 'running' | 'paused' | 'met' | 'breached';
  @ApiProperty({ nullable: true, type: String }) stoppedAt!: string | null;
}

/** GET /api/v1/tickets/{id}/sla: the ticket's targets and how they were reached. */
export class TicketSlaView {
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty() policyVersion!: number;
  @ApiProperty({ format: 'uuid' }) calendarId!: string;
  @ApiProperty() calendarVersion!: number;
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority!: TicketPriority;
  @ApiProperty({ enum: SLA_TIERS }) tier!: SlaTier;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: [SlaTargetView] }) targets!: SlaTargetView[];
  @ApiProperty({ type: [SlaPauseView] }) pauses!: SlaPauseView[];
  @ApiProperty({
    type: [SlaOverrideView],
    description: 'Calendar overrides between receivedAt and the latest due time',
  })
  overrides!: SlaOverrideView[];
}
