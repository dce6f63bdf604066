import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import type { AuditRecord } from './audit.repository';
import { AuditService } from './audit.service';

export const MAX_PAGE_SIZE = 200;

export class AuditQueryParams {
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries about this customer' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ description: 'Entries by this user or client (token subject)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actor?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Cursor from the previous page (nextCursor)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER) // an audit id (bigint); a larger number is no id, not a database error
  before?: number;
}

class AuditEntryView {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() actor!: string;
  @ApiPropertyOptional() clientId?: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ example: 'customer.read' }) action!: string;
  @ApiProperty({ example: 'customer' }) resourceType!: string;
  @ApiPropertyOptional() resourceId?: string;
  @ApiProperty() piiUnmasked!: boolean;
  @ApiProperty() status!: number;
  @ApiPropertyOptional() traceId?: string;
  @ApiPropertyOptional() requestId?: string;
}

class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditRecord[];
  @ApiPropertyOptional({ description: 'Pass as `before` for the next page' }) nextCursor?: number;
}

@ApiTags('admin')
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Who read unmasked personal data or changed customer data, newest first. */
  @Get()
  @RequireScopes('admin')
  @ApiOkResponse({ type: AuditPage })
  @ApiProblems(400, 401, 403)
  async find(@Query() query: AuditQueryParams): Promise<AuditPage> {
    return this.audit.page({
      ...(query.customerId ? { resourceId: query.customerId } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      ...(query.before ? { before: query.before } : {}),
      limit: query.limit ?? 50,
    });
  }
}
