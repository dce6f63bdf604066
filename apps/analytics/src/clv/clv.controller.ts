import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ClvFitRequest } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { ClvService } from './clv.service';

@CallerScopes('analytics:read')
@Controller('internal/v1/models/clv')
export class ClvController {
  constructor(private readonly service: ClvService) {}

  /** The current parameters, the data they were fitted on and the log-likelihood. */
  @Get()
  current() {
    return this.service.currentModel();
  }

  /** 201 with the fit when it finished within a few seconds (422 when it failed), else 202 with the running fit. */
  @Post('fits')
  @CallerScopes('analytics:write')
  async fit(
    @Body() body: ClvFitRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { finished, fit } = await this.service.requestFit(body, caller.sub, new Date());
    response.status(finished ? 201 : 202);
    response.setHeader('location', `/api/v1/analytics/models/clv/fits/${fit.id}`);
    return fit;
  }

  @Get('fits/:id')
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.service.fitView(id);
  }
}
