import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CustomerCountView } from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { PublicCaller } from '../auth/caller';
import { ApiProblems } from '../openapi-problems';
import { relay } from '../upstream/relay-response';
import { UpstreamClient } from '../upstream/upstream.client';

@ApiTags('analytics')
@Controller('api/v1/analytics')
export class AnalyticsController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Get('customers/count')
  @ApiOkResponse({ type: CustomerCountView, description: 'How many customers analytics has learned of' })
  @ApiProblems(502, 504)
  async customerCount(@PublicCaller() caller: CallerIdentity, @Req() request: Request, @Res() response: Response) {
    relay(
      response,
      await this.upstream.call('analytics', 'GET', '/internal/v1/customers/count', {
        identity: caller,
        requestId: request.requestId,
      }),
    );
  }
}
