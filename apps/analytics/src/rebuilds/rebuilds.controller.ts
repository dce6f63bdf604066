import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { RebuildsService, type RebuildView } from './rebuilds.service';

@Controller('internal/v1/analytics/rebuilds')
export class RebuildsController {
  constructor(private readonly service: RebuildsService) {}

  /** Starts rebuilding every read model from the topics; follow it at Location. 409 while one runs. */
  @Post()
  @HttpCode(202)
  @CallerScopes('analytics:write', 'admin')
  async start(@Caller() caller: CallerIdentity, @Res({ passthrough: true }) response: Response): Promise<RebuildView> {
    const rebuild = await this.service.start(caller.sub);
    response.setHeader('Location', `/internal/v1/analytics/rebuilds/${rebuild.id}`);
    return rebuild;
  }

  @Get(':rebuildId')
  @CallerScopes('analytics:read')
  async get(@Param('rebuildId', new ParseUUIDPipe()) id: string): Promise<RebuildView> {
    return this.service.view(id);
  }
}
