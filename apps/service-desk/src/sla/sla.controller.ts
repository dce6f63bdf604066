import { versionFromIfMatch } from '@rapport/platform-http';
import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { SlaPolicyRequest, type SlaPolicyView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { SlaService } from './sla.service';
import { toPolicyView } from './sla.view';

/**
 * Internal API, reached through the gateway only: the SLA policy. Reading it is for whoever reads tickets;
 * replacing it is for admins (defence in depth: the gateway has the same rule), each a new version.
 */
@Controller('internal/v1/sla-policies')
export class SlaController {
  constructor(private readonly sla: SlaService) {}

  @Get()
  @CallerScopes('tickets:read')
  async get(@Res({ passthrough: true }) response: Response): Promise<SlaPolicyView> {
    return withEtag(response, toPolicyView(await this.sla.policy()));
  }

  @Put()
  @CallerScopes('admin')
  async replace(
    @Body() body: SlaPolicyRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SlaPolicyView> {
    return withEtag(
      response,
      toPolicyView(await this.sla.replacePolicy(body, versionFromIfMatch(ifMatch, body.version), caller)),
    );
  }
}

function withEtag(response: Response, view: SlaPolicyView): SlaPolicyView {
  response.setHeader('ETag', `"${view.version}"`);
  return view;
}
