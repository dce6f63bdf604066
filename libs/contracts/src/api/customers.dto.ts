import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const CUSTOMER_KINDS = ['person', 'organisation'] as const;
export const SOURCE_CHANNELS = ['web_form', 'import', 'survey', 'social', 'sales', 'store'] as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * The body of POST /api/v1/customers. One class validates at the gateway (the edge) and again in
 * customer-profile (defence in depth), and documents the OpenAPI schema.
 */
export class CreateCustomerRequest {
  @ApiProperty({ example: '王小明', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: CUSTOMER_KINDS, default: 'person' })
  @IsOptional()
  @IsIn(CUSTOMER_KINDS)
  kind?: (typeof CUSTOMER_KINDS)[number];

  @ApiPropertyOptional({ example: 'xiaoming.wang@example.com', format: 'email', description: 'Masked (x***@example.com) for callers without pii:read' })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ example: '+8613800138000', description: 'E.164' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 form, e.g. +8613800138000' })
  phone?: string;

  @ApiPropertyOptional({ enum: SOURCE_CHANNELS })
  @IsOptional()
  @IsIn(SOURCE_CHANNELS)
  sourceChannel?: (typeof SOURCE_CHANNELS)[number];
}

export class CustomerView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CUSTOMER_KINDS }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) sourceChannel!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'null: the customer is in the public pool' }) ownerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class CustomerCountView {
  @ApiProperty({ example: 42 }) count!: number;
}
