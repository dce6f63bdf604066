import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
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
import { CALENDAR_INSTANT_PATTERN } from './business-calendars.dto';
import {
  SURVEY_QUESTION_ID_PATTERN,
  SURVEY_QUESTION_TYPES,
  SURVEY_RESULT_INTERVALS,
  type SurveyQuestionType,
  type SurveyResultInterval,
} from '../surveys';

/**
 * Surveys (interaction): questions of type NPS (0–10), CSAT (1–5), rating (1 to its max), single and
 * multiple choice, and open text; invitations with a signed public link each; results with NPS and
 * CSAT and their trend. The shape is checked here; the rules across fields (options only and always for
 * choice questions, an answer of the question's type and scale) by the service, 422 naming the field.
 */
export const SURVEY_QUESTIONS_MAX = 50;
export const SURVEY_OPTIONS_MAX = 20;
export const SURVEY_INVITATIONS_MAX = 1_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const INSTANT_MESSAGE = 'must be an ISO 8601 instant to the second with an offset (Z or ±HH:MM)';

export class SurveyQuestionDto {
  @ApiProperty({
    example: 'recommend',
    pattern: SURVEY_QUESTION_ID_PATTERN.source,
    description: 'Unique in the survey',
  })
  @IsString()
  @Matches(SURVEY_QUESTION_ID_PATTERN, {
    message: 'id must be lower-case letters, digits, _ and - (at most 40), starting with a letter',
  })
  id!: string;

  @ApiProperty({ enum: SURVEY_QUESTION_TYPES })
  @IsIn(SURVEY_QUESTION_TYPES)
  type!: SurveyQuestionType;

  @ApiProperty({ example: 'How likely are you to recommend us to a friend?', minLength: 1, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  text!: string;

  @ApiPropertyOptional({
    type: [String],
    minItems: 2,
    maxItems: SURVEY_OPTIONS_MAX,
    example: ['Price', 'Quality', 'Service'],
    description: 'The choices of a single or multiple question (required there, refused elsewhere: 422)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(SURVEY_OPTIONS_MAX)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  options?: string[];

  @ApiPropertyOptional({
    minimum: 2,
    maximum: 10,
    default: 5,
    description: 'The top of a rating question’s scale (1 to max); refused on other types (422)',
  })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(10)
  max?: number;

  @ApiPropertyOptional({ default: true, description: 'A response must answer it' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;
}

/** POST /api/v1/surveys */
export class CreateSurveyRequest {
  @ApiProperty({ example: 'After-sales satisfaction 2026 Q4', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2_000, example: 'Two minutes about your last visit.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 2_000)
  description?: string;

  @ApiProperty({ type: [SurveyQuestionDto], minItems: 1, maxItems: SURVEY_QUESTIONS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SURVEY_QUESTIONS_MAX)
  @ValidateNested({ each: true })
  @Type(() => SurveyQuestionDto)
  questions!: SurveyQuestionDto[];
}

export class SurveyQuestionView {
  @ApiProperty({ example: 'recommend' }) id!: string;
  @ApiProperty({ enum: SURVEY_QUESTION_TYPES }) type!: SurveyQuestionType;
  @ApiProperty() text!: string;
  @ApiProperty({ type: [String], nullable: true }) options!: string[] | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The lowest answer (null for choice and text)' })
  min!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The highest answer (null for choice and text)' })
  max!: number | null;
  @ApiProperty() required!: boolean;
}

export class SurveyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [SurveyQuestionView] }) questions!: SurveyQuestionView[];
  @ApiProperty({ example: 12, description: 'Invitations sent' }) invitations!: number;
  @ApiProperty({ example: 7, description: 'Invitations answered' }) responses!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ example: 'manager' }) createdBy!: string;
}

export class SurveyList {
  @ApiProperty({ type: [SurveyView], description: 'Newest first (at most 200)' }) items!: SurveyView[];
}

/** POST /api/v1/surveys/{id}/invitations */
export class SurveyInvitationsRequest {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: SURVEY_INVITATIONS_MAX,
    description: 'The customers to invite (one invitation per customer and survey)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SURVEY_INVITATIONS_MAX)
  @IsUUID('all', { each: true, message: 'customerIds must contain customer ids (UUIDs) only' })
  customerIds!: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 30, description: 'How long the links stay valid (days)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  validDays?: number;
}

export class SurveyInvitationView {
  @ApiProperty({ format: 'uuid' }) invitationId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({
    example: '/api/v1/public/surveys/eyJpIjoi…',
    description: 'The signed public link to send the customer (whoever holds it may answer once)',
  })
  link!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class SurveyInvitationsView {
  @ApiProperty({ type: [SurveyInvitationView] }) invited!: SurveyInvitationView[];
  @ApiProperty({ type: [String], description: 'Customers invited to this survey before (no second invitation)' })
  alreadyInvited!: string[];
  @ApiProperty({ type: [String], description: 'Ids interaction does not know as customers (nobody invited)' })
  unknown!: string[];
}

/** GET /api/v1/public/surveys/{token}: what the customer sees, nothing about them. */
export class PublicSurveyView {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [SurveyQuestionView] }) questions!: SurveyQuestionView[];
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'This invitation was answered already (a second answer is 409)' }) answered!: boolean;
}

export class SurveyAnswerDto {
  @ApiProperty({ example: 'recommend' })
  @IsString()
  @Matches(SURVEY_QUESTION_ID_PATTERN, { message: 'questionId must be a question id of the survey' })
  questionId!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: 'For nps (0–10), csat (1–5) and rating (1–max)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  score?: number;

  @ApiPropertyOptional({ type: [String], maxItems: SURVEY_OPTIONS_MAX, description: 'For single (one) and multiple' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SURVEY_OPTIONS_MAX)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  choices?: string[];

  @ApiPropertyOptional({ maxLength: 5_000, description: 'For text' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 5_000)
  text?: string;
}

/** POST /api/v1/public/surveys/{token}/responses */
export class SurveyResponseRequest {
  @ApiProperty({ type: [SurveyAnswerDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SurveyAnswerDto)
  answers!: SurveyAnswerDto[];
}

export class SurveyResponseReceipt {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ example: 3 }) answers!: number;
  @ApiProperty({ format: 'date-time' }) respondedAt!: string;
}

/** GET /api/v1/surveys/{id}/results */
export class SurveyResultsQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-10-01T00:00:00+08:00',
    description: 'Answers from (inclusive)',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `from ${INSTANT_MESSAGE}` })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from is not a real date and time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-01-01T00:00:00+08:00',
    description: 'Answers to (exclusive)',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_INSTANT_PATTERN, { message: `to ${INSTANT_MESSAGE}` })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to is not a real date and time' })
  to?: string;

  @ApiPropertyOptional({ enum: SURVEY_RESULT_INTERVALS, default: 'month', description: 'The trend’s buckets (UTC)' })
  @IsOptional()
  @IsIn(SURVEY_RESULT_INTERVALS)
  interval?: SurveyResultInterval;
}

export class ScoreCountView {
  @ApiProperty({ example: '9', description: 'A score, or a choice' }) value!: string;
  @ApiProperty({ example: 4 }) count!: number;
}

export class NpsView {
  @ApiProperty({ example: 30, description: '% promoters (9–10) − % detractors (0–6), to one decimal' }) score!: number;
  @ApiProperty({ example: 5 }) promoters!: number;
  @ApiProperty({ example: 3 }) passives!: number;
  @ApiProperty({ example: 2 }) detractors!: number;
  @ApiProperty({ example: 10 }) n!: number;
  @ApiProperty({
    example: -18.4,
    description: '95 % confidence interval, low end (normal approximation, clamped to −100)',
  })
  ci95Low!: number;
  @ApiProperty({ example: 78.4, description: '95 % confidence interval, high end (clamped to 100)' }) ci95High!: number;
}

export class CsatScoreView {
  @ApiProperty({ example: 75, description: '% of answers that are 4 or 5, to one decimal' }) percent!: number;
  @ApiProperty({ example: 6 }) satisfied!: number;
  @ApiProperty({ example: 8 }) n!: number;
}

export class OpenAnswerView {
  @ApiProperty({ description: 'The customer’s words (masked without pii:read)' }) text!: string;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
}

export class TrendPointView {
  @ApiProperty({ format: 'date-time' }) periodStart!: string;
  @ApiProperty({ example: 4 }) n!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'NPS, CSAT % or mean rating of the period' })
  score!: number | null;
}

export class QuestionResultView {
  @ApiProperty({ example: 'recommend' }) questionId!: string;
  @ApiProperty({ enum: SURVEY_QUESTION_TYPES }) type!: SurveyQuestionType;
  @ApiProperty() text!: string;
  @ApiProperty({ example: 10, description: 'Answers to this question in the window' }) n!: number;
  @ApiProperty({ type: [ScoreCountView], description: 'Every score of the scale (0 counts too) or choice' })
  distribution!: ScoreCountView[];
  @ApiProperty({ nullable: true, type: Number, description: 'Mean of a scored question, to two decimals' })
  average!: number | null;
  @ApiProperty({ nullable: true, type: () => NpsView }) nps!: NpsView | null;
  @ApiProperty({ nullable: true, type: () => CsatScoreView }) csat!: CsatScoreView | null;
  @ApiProperty({ type: [OpenAnswerView], description: 'Text answers, newest first (at most 100)' })
  openAnswers!: OpenAnswerView[];
  @ApiProperty({ type: [TrendPointView] }) trend!: TrendPointView[];
}

export class SurveyResultsView {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) from!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) to!: string | null;
  @ApiProperty({ enum: SURVEY_RESULT_INTERVALS }) interval!: SurveyResultInterval;
  @ApiProperty({ example: 10, description: 'Responses in the window' }) responses!: number;
  @ApiProperty({ type: [QuestionResultView] }) questions!: QuestionResultView[];
}

/** GET …/customers/{id}/survey-responses (internal, for the 360 view) */
export class CustomerSurveyResponsesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class SurveyScoreView {
  @ApiProperty({ example: 'recommend' }) questionId!: string;
  @ApiProperty({ enum: ['nps', 'csat', 'rating'] }) type!: 'nps' | 'csat' | 'rating';
  @ApiProperty({ example: 9 }) value!: number;
}

export class CustomerSurveyResponseView {
  @ApiProperty({ format: 'uuid' }) surveyId!: string;
  @ApiProperty() surveyName!: string;
  @ApiProperty({ format: 'date-time' }) respondedAt!: string;
  @ApiProperty({ type: [SurveyScoreView] }) scores!: SurveyScoreView[];
}

export class CustomerSurveyResponsesView {
  @ApiProperty({ type: [CustomerSurveyResponseView], description: 'Newest first' })
  items!: CustomerSurveyResponseView[];
}
