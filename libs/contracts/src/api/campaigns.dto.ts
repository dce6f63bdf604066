import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from './paging.dto';

/**
 * Campaigns (interaction) by email and SMS. The audience is a list of customers with the address to
 * use: customer-profile's segments and contact details cannot be read from interaction (no service
 * reads another's tables, and events carry no PII), so the caller brings them. Consent is checked at
 * send time against interaction's own copy of customer-profile's consent records.
 */
export const CAMPAIGN_CHANNELS = ['email', 'sms'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export const CAMPAIGN_PURPOSES = ['marketing', 'service'] as const;
export type CampaignPurpose = (typeof CAMPAIGN_PURPOSES)[number];
export const CAMPAIGN_STATUSES = ['draft', 'sending', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CAMPAIGN_RECIPIENT_STATES = ['queued', 'skipped', 'sent', 'failed', 'bounced', 'unsubscribed'] as const;
export type CampaignRecipientState = (typeof CAMPAIGN_RECIPIENT_STATES)[number];
export const CAMPAIGN_AUDIENCE_MAX = 10_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CampaignRecipientDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiProperty({
    example: 'li.wei@example.com',
    maxLength: 320,
    description: 'An email address (email campaigns) or an E.164 phone number (SMS campaigns); checked: 422',
  })
  @Transform(trim)
  @IsString()
  @Length(3, 320)
  address!: string;

  @ApiPropertyOptional({
    example: { name: '李伟', city: '上海' },
    description: 'Values the templates may use ({{name}}, {{city}}); strings only, at most 20',
  })
  @IsOptional()
  @IsObject()
  fields?: Record<string, string>;
}

export class CreateCampaignRequest {
  @ApiProperty({ example: 'Spring sale 2027', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: CAMPAIGN_CHANNELS })
  @IsIn(CAMPAIGN_CHANNELS)
  channel!: CampaignChannel;

  @ApiProperty({ enum: CAMPAIGN_PURPOSES, description: 'The consent purpose checked at send time' })
  @IsIn(CAMPAIGN_PURPOSES)
  purpose!: CampaignPurpose;

  @ApiPropertyOptional({
    example: '{{name}}, spring is here',
    maxLength: 500,
    description: 'Mustache template of the subject; required for email (422), refused for SMS (422)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  subject?: string;

  @ApiProperty({
    example: 'Dear {{name}}, 20 % off everything until Sunday.',
    maxLength: 20_000,
    description: 'Mustache template of the plain-text body',
  })
  @IsString()
  @Length(1, 20_000)
  body!: string;

  @ApiProperty({ type: [CampaignRecipientDto], minItems: 1, maxItems: CAMPAIGN_AUDIENCE_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CAMPAIGN_AUDIENCE_MAX)
  @ValidateNested({ each: true })
  @Type(() => CampaignRecipientDto)
  audience!: CampaignRecipientDto[];
}

export class CampaignCountsView {
  @ApiProperty() queued!: number;
  @ApiProperty() skipped!: number;
  @ApiProperty() sent!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() bounced!: number;
  @ApiProperty() unsubscribed!: number;
}

export class CampaignView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CAMPAIGN_CHANNELS }) channel!: CampaignChannel;
  @ApiProperty({ enum: CAMPAIGN_PURPOSES }) purpose!: CampaignPurpose;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status!: CampaignStatus;
  @ApiProperty({ description: 'How many recipients; the counts always add up to it' }) audience!: number;
  @ApiProperty({ type: CampaignCountsView }) counts!: CampaignCountsView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sendStartedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt!: string | null;
}

export class CampaignRecipientView {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: CAMPAIGN_RECIPIENT_STATES }) state!: CampaignRecipientState;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'no-consent',
    description: 'Why skipped or failed: no-consent, consent-withdrawn, or the transport’s answer',
  })
  reason!: string | null;
  @ApiProperty({ description: 'The stable Message-ID of the recipient’s message' }) messageId!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CampaignRecipientPage {
  @ApiProperty({ type: [CampaignRecipientView] }) items!: CampaignRecipientView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
}

export class CampaignRecipientsQuery extends PageQuery() {
  @ApiPropertyOptional({ enum: CAMPAIGN_RECIPIENT_STATES })
  @IsOptional()
  @IsIn(CAMPAIGN_RECIPIENT_STATES)
  state?: CampaignRecipientState;
}

/** What the one-click unsubscribe link's page shows. */
export class UnsubscribeView {
  @ApiProperty({ enum: CAMPAIGN_CHANNELS }) channel!: CampaignChannel;
  @ApiProperty({ enum: CAMPAIGN_PURPOSES }) purpose!: CampaignPurpose;
  @ApiProperty({ description: 'Already withdrawn (a second POST changes nothing)' }) withdrawn!: boolean;
}

/** An inbound SMS from the provider (the reply T or TD withdraws SMS marketing consent). */
export class InboundSmsRequest {
  @ApiProperty({ example: '+8613800138000', description: 'The sender, E.164' })
  @IsString()
  @Length(3, 32)
  from!: string;

  @ApiProperty({ example: 'T', maxLength: 1_000 })
  @IsString()
  @MaxLength(1_000)
  text!: string;
}

export class InboundSmsReceipt {
  @ApiProperty({ description: 'How many customers’ SMS consent this reply withdrew' }) withdrawn!: number;
}
