import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { SlaPolicyRequest, type SlaPolicyView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { SlaErrorCode, SlaException } from './sla.exception';
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
      toPolicyView(await this.sla.replacePolicy(body, expectedVersion(ifMatch, body.version), caller)),
    );
  }
}

function withEtag(response: Response, view: SlaPolicyView): SlaPolicyView {
  response.setHeader('ETag', `"${view.version}"`);
  return view;
}

/**
 * The version a conditional replacement is based on: If-Match (the policy's ETag, `"3"`) or `version` in the
 * body (what the gateway sends); neither, unconditional. Both given and different: at most one is current, 412.
 */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '') return bodyVersion;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match)
    throw SlaException.onField(
      SlaErrorCode.InvalidIfMatch,
      'If-Match must be the ETag of the SLA policy, such as "3"',
      'If-Match',
    );
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw SlaException.onField(
      SlaErrorCode.StaleVersion,
      `version ${bodyVersion} differs from If-Match ${version}`,
      'version',
    );
  return version;
}
