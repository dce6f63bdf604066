import { Controller, Get, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CustomerView } from '@rapport/contracts';
import type { Request } from 'express';
import { AuditService, auditCallerOf } from '../audit/audit.service';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { Customer360Service, type Customer360 } from './customer-360.service';

class MissingPartView {
  @ApiProperty({ example: 'loyalty' }) part!: string;
  @ApiProperty({ example: 'loyalty did not answer in time' }) reason!: string;
}

class Customer360View {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: CustomerView }) profile!: unknown;
  @ApiProperty({ nullable: true, type: Object, description: 'Loyalty membership' }) loyalty!: unknown;
  @ApiProperty({ nullable: true, type: Object }) interactions!: unknown;
  @ApiProperty({ nullable: true, type: Object }) tickets!: unknown;
  @ApiProperty({ nullable: true, type: Object, description: 'Follow-ups not done yet (open, snoozed, overdue)' })
  followUps!: unknown;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'The latest survey answers: scores (NPS, CSAT, ratings), not words',
  })
  surveys!: unknown;
  @ApiProperty({ nullable: true, type: Object }) analytics!: unknown;
  @ApiProperty({ type: [MissingPartView], description: 'Parts left out of a partial answer, and why' })
  missing!: MissingPartView[];
}

@ApiTags('customers')
@Controller('api/v1/customers')
export class Customer360Controller {
  constructor(
    private readonly composer: Customer360Service,
    private readonly audit: AuditService,
  ) {}

  @Get(':id/360')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: Customer360View,
    description: 'Composed in parallel; a slow or failed source gives a partial answer',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Req() request: Request): Promise<Customer360> {
    const identity = request.identity!;
    const view = await this.composer.compose(id, identity, request.requestId);
    if (identity.scopes.includes('pii:read')) {
      await this.audit.record(
        {
          ...auditCallerOf(request),
          action: 'customer.read-360',
          resourceType: 'customer',
          resourceId: id,
          piiUnmasked: true,
          status: 200,
        },
        // A merged id reads its survivor's profile: whose data it handed out.
        [(view.profile as { id?: unknown } | null)?.id],
      );
    }
    return view;
  }
}
