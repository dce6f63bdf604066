import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CustomerCountView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';

@ApiTags('analytics')
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get('customers/count')
  @RequireScopes('analytics:read')
  @ApiOkResponse({ type: CustomerCountView, description: 'How many customers analytics has learned of' })
  @ApiProblems(401, 403, 429, 502, 504)
  async customerCount(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'analytics',
      method: 'GET',
      path: '/internal/v1/customers/count',
    });
  }
}
