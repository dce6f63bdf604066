import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { RecommendationsQuery } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { RecommendationsService } from './recommendations.service';

/** Item-item co-occurrence recommendations, their model builds and the builds' self-evaluation. */
@CallerScopes('analytics:read')
@Controller('internal/v1/recommendations')
export class RecommendationsController {
  constructor(private readonly service: RecommendationsService) {}

  @Get('customers/:customerId')
  async forCustomer(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Query() query: RecommendationsQuery,
  ) {
    return this.service.forCustomer(customerId, {
      k: query.k ?? 10,
      excludePurchased: (query.exclude ?? 'purchased') === 'purchased',
    });
  }

  /** 201 with the build's figures, or 202 when it takes longer than the wait (it goes on). */
  /** A build replaces the model everyone's recommendations come from: analytics:write, as a CLV fit. */
  @Post('builds')
  @HttpCode(201)
  @CallerScopes('analytics:write')
  async build(@Res({ passthrough: true }) response: Response) {
    const view = await this.service.requestBuild(new Date());
    if (view.status === 'running') response.status(202);
    return view;
  }

  @Get('evaluation')
  async evaluation() {
    return this.service.evaluation();
  }
}
