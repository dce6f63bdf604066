import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
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
  CADENCE_ENROLMENT_STATUSES,
  CADENCE_NAME_PATTERN,
  CADENCE_STOP_CONDITIONS,
  CADENCE_TRIGGERS,
  INTERACTION_CHANNELS,
  type CadenceEnrolmentStatus,
  type CadenceStopCondition,
  type CadenceTrigger,
  type InteractionChannel,
} from '../interactions';
import { FollowUpView } from './interactions.dto';
import { TEAM_PATTERN } from './ownership.dto';
import { ASSIGNEE_PATTERN } from './tickets.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const CADENCE_STEPS_MAX = 20;

export class CadenceStep {
  @ApiProperty({
    example: 2,
    minimum: 0,
    maximum: 250,
    description:
      "Business days after the enrolment: the step's follow-up is due that many full working days of the follow-ups' calendar later (0: at once)",
  })
  @IsInt()
  @Min(0)
  @Max(250)
  dayOffset!: number;

  @ApiProperty({ enum: INTERACTION_CHANNELS, example: 'phone' })
  @IsIn(INTERACTION_CHANNELS)
  channel!: InteractionChannel;

  @ApiPropertyOptional({ example: 'Ask how the last order went; offer the loyal-customer coupon', maxLength: 2_000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2_000)
  note?: string;
}

/** POST /api/v1/cadences */
export class CreateCadenceRequest {
  @ApiProperty({ example: 'win-back', description: 'Lower-case letters, digits and dashes; unique (409 when taken)' })
  @IsString()
  @Matches(CADENCE_NAME_PATTERN, { message: 'name must be lower-case letters, digits and dashes (at most 63)' })
  name!: string;

  @ApiPropertyOptional({ example: 'Three contacts over two weeks for customers at risk of leaving', maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  description?: string;

  @ApiProperty({ type: [CadenceStep], minItems: 1, maxItems: CADENCE_STEPS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CADENCE_STEPS_MAX)
  @ValidateNested({ each: true })
  @Type(() => CadenceStep)
  steps!: CadenceStep[];

  @ApiPropertyOptional({
    enum: CADENCE_STOP_CONDITIONS,
    isArray: true,
    default: [...CADENCE_STOP_CONDITIONS],
    description:
      'What ends an enrolment early, its open follow-ups cancelled: replied (an inbound contact), purchased, consent-withdrawn (marketing consent on any channel). Default: all three; [] never',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CADENCE_STOP_CONDITIONS, { each: true })
  stopOn?: CadenceStopCondition[];

  @ApiPropertyOptional({
    enum: CADENCE_TRIGGERS,
    default: 'manual',
    description:
      "What starts it besides POST …/enrolments: lifecycle:<stage> enrols a customer who moves to that stage (lifecycle.changed), for the customer's owner (a customer in the public pool is not enrolled)",
  })
  @IsOptional()
  @IsIn(CADENCE_TRIGGERS)
  trigger?: CadenceTrigger;
}

export class CadenceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'win-back' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [CadenceStep] }) steps!: CadenceStep[];
  @ApiProperty({ enum: CADENCE_STOP_CONDITIONS, isArray: true }) stopOn!: CadenceStopCondition[];
  @ApiProperty({ enum: CADENCE_TRIGGERS }) trigger!: CadenceTrigger;
  @ApiProperty({ example: 'manager' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CadenceList {
  @ApiProperty({ type: [CadenceView] }) items!: CadenceView[];
}

/** POST /api/v1/cadences/{id}/enrolments: start the cadence for a customer by hand. */
export class EnrolInCadenceRequest {
  @ApiProperty({ format: 'uuid', description: 'A customer interaction knows; unknown: 422' })
  @IsUUID()
  customerId!: string;

  @ApiPropertyOptional({ example: 'agent1', description: "Who works the steps' follow-ups; default the caller" })
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE_PATTERN, { message: 'assignee must be a user id (letters, digits, @ . _ : -; at most 200)' })
  assignee?: string;

  @ApiPropertyOptional({ example: 'north', description: "The assignee's team; default the caller's" })
  @IsOptional()
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be a team name (letters, digits, . _ -; at most 100)' })
  team?: string;
}

export class CadenceEnrolmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) cadenceId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ example: 'agent1' }) assignee!: string;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ enum: CADENCE_ENROLMENT_STATUSES }) status!: CadenceEnrolmentStatus;
  @ApiProperty({ enum: CADENCE_STOP_CONDITIONS, nullable: true, type: String, description: 'Why it stopped' })
  stopReason!: CadenceStopCondition | null;
  @ApiProperty({ format: 'date-time' }) enrolledAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) stoppedAt!: string | null;
  @ApiProperty({
    type: [FollowUpView],
    description: "The steps' follow-ups still planned or done (a stop cancels the open ones)",
  })
  followUps!: FollowUpView[];
}

export class CadenceEnrolmentsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this customer's enrolments" })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class CadenceEnrolmentList {
  @ApiProperty({ type: [CadenceEnrolmentView] }) items!: CadenceEnrolmentView[];
}
