import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@rapport/platform-http';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { AUDIT_RESOURCE_TYPES } from './audit-resource';
import type { AuditRecord } from './audit.repository';
import { AuditService } from './audit.service';

export const MAX_PAGE_SIZE = 200;
export const MAX_SUBJECTS_PAGE_SIZE = 1000;

export class AuditQueryParams {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Entries about this customer: reads that handed out its personal data (single reads, and the lists, ' +
      'searches, segment members and exports it was part of) and changes to it',
  })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: AUDIT_RESOURCE_TYPES, description: 'Entries about this kind of resource' })
  @IsOptional()
  @IsIn(AUDIT_RESOURCE_TYPES)
  resourceType?: string;

  @ApiPropertyOptional({ description: 'Entries about this resource: a segment id, a team name, a currency, …' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  resourceId?: string;

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

export class AuditSubjectsQueryParams {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SUBJECTS_PAGE_SIZE, default: MAX_SUBJECTS_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SUBJECTS_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Cursor from the previous page (nextCursor)' })
  @IsOptional()
  @IsUUID()
  after?: string;
}

class AuditEntryView {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() actor!: string;
  @ApiPropertyOptional() clientId?: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ example: 'customer.read' }) action!: string;
  @ApiProperty({ example: 'customer', description: `One of ${AUDIT_RESOURCE_TYPES.join(', ')}` })
  resourceType!: string;
  @ApiPropertyOptional() resourceId?: string;
  @ApiProperty() piiUnmasked!: boolean;
  @ApiProperty() status!: number;
  @ApiPropertyOptional() traceId?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiProperty({
    example: 25,
    description:
      'How many customers the entry is about: whose personal data a list, search or export handed out ' +
      '(1 for a single customer); their ids are at /api/v1/admin/audit/{auditId}/subjects',
  })
  subjectCount!: number;
}

class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditRecord[];
  @ApiPropertyOptional({ description: 'Pass as `before` for the next page' }) nextCursor?: number;
}

class AuditSubjectsPage {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Customer ids, in id order' }) items!: string[];
  @ApiPropertyOptional({ format: 'uuid', description: 'Pass as `after` for the next page' }) nextCursor?: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Who read unmasked personal data or changed data, newest first. */
  @Get()
  @RequireScopes('admin')
  @ApiOkResponse({ type: AuditPage })
  @ApiProblems(400, 401, 403)
  async find(@Query() query: AuditQueryParams): Promise<AuditPage> {
    return this.audit.page({
      ...(query.customerId ? { customerId: query.customerId } : {}),
      ...(query.resourceType ? { resourceType: query.resourceType } : {}),
      ...(query.resourceId ? { resourceId: query.resourceId } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      ...(query.before ? { before: query.before } : {}),
      limit: query.limit ?? 50,
    });
  }

  @Get(':auditId/subjects')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'The customers whose personal data one audited read handed out (or one change touched)' })
  @ApiOkResponse({ type: AuditSubjectsPage, description: 'Keyset-paged customer ids of the entry' })
  @ApiProblems(400, 401, 403, 404)
  async subjects(
    @Param('auditId') auditId: string,
    @Query() query: AuditSubjectsQueryParams,
  ): Promise<AuditSubjectsPage> {
    const id = /^[1-9][0-9]{0,15}$/.test(auditId) ? Number(auditId) : NaN;
    if (!Number.isSafeInteger(id)) {
      throw new ProblemException('validation', 'auditId must be the id of an audit entry', {
        errors: [{ field: 'auditId', message: 'must be a positive integer' }],
      });
    }
    return this.audit.subjects(id, query.limit ?? MAX_SUBJECTS_PAGE_SIZE, query.after);
  }
}
