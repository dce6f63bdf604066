import { versionFromIfMatch } from '@rapport/platform-http';
import { Body, Controller, Get, Put, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SlaPolicyRequest, SlaPolicyView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import type { UpstreamResponse } from '../upstream/upstream.client';

const UPSTREAM = 'service-desk';

const policyVersion = (response: UpstreamResponse): string | undefined => {
  const version = (response.body as { version?: unknown } | undefined)?.version;
  return typeof version === 'number' ? String(version) : undefined;
};

/**
 * The SLA policy (service-desk): first-response and resolution targets per priority × customer tier, in
 * business minutes on a business calendar, and the escalation levels. Reading it is for whoever reads
 * tickets; replacing it is for admins, audited and versioned.
 */
@ApiTags('sla-policies')
@Controller('api/v1/sla-policies')
export class SlaPoliciesController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'The current SLA policy: its calendar, target cells and escalation levels' })
  @ApiOkResponse({ type: SlaPolicyView, description: 'Its ETag is its version: send it as If-Match on PUT' })
  @ApiProblems(401, 403, 429, 502, 504)
  async get(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: '/internal/v1/sla-policies',
    });
  }

  @Put()
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      "Replace the SLA policy (admins): a new version. Every priority needs a tier none cell (the fallback of a tier without its own); a cell or an escalation level twice, or a calendar that does not exist, is 422. Open tickets are recomputed by the SLA scheduler's next tick",
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag read ("3"): the replacement applies only to that version (412 when stale); unconditional without it',
  })
  @ApiOkResponse({ type: SlaPolicyView, description: 'The policy after the change' })
  @ApiProblems(400, 401, 403, 412, 422, 429, 502, 504)
  async replace(@Body() body: SlaPolicyRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    const version = versionFromIfMatch(request.header('if-match'), body.version);
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PUT',
      path: '/internal/v1/sla-policies',
      body: { ...body, ...(version !== undefined ? { version } : {}) },
      audit: {
        action: 'sla-policy.update',
        resourceType: 'sla-policy',
        change: true,
        personalData: false,
        // the version the change made
        resourceId: policyVersion,
      },
    });
  }
}
