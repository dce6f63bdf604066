import { Body, Controller, Get, Param, Put, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PutQueueRequest, QUEUE_NAME_PATTERN, QueueList, QueueView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { checkedPathParam } from '../upstream/path-param';

const UPSTREAM = 'service-desk';
const NAME_PARAM = { name: 'name', example: 'vip', description: 'Lower-case letters, digits and dashes' };

/** The queue's path at service-desk; a name that is not a queue name is 400 here (the document states the pattern). */
const queuePath = (name: string) =>
  `/internal/v1/queues/${checkedPathParam(name, QUEUE_NAME_PATTERN, 'name', 'must be a queue name (lower-case letters, digits and dashes; at most 63)')}`;

/**
 * Ticket queues of service-desk: new tickets are routed into them (VIP customers to the VIP queue, the
 * others by type, category and channel, else to general) and assigned among their members.
 */
@ApiTags('queues')
@Controller('api/v1/queues')
export class QueuesController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'The queues, in rule order (priority, then name)' })
  @ApiOkResponse({ type: QueueList })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: '/internal/v1/queues' });
  }

  @Get(':name')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'A queue: its team, lead, members, assignment rule and match rule' })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: QueueView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(@Param('name') name: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: queuePath(name) });
  }

  @Put(':name')
  @RequireScopes('tickets:write')
  @ApiOperation({
    summary:
      "Create or replace a queue (an admin, or the manager of the queue's team): members, who is available, assignment (round-robin, least-loaded, manual), match rule, priority, VIP",
  })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: QueueView, description: 'Replaced' })
  @ApiResponse({ status: 201, type: QueueView, description: 'Created' })
  @ApiProblems(400, 401, 403, 409, 429, 502, 504)
  async put(
    @Param('name') name: string,
    @Body() body: PutQueueRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PUT',
      path: queuePath(name),
      body,
      // a queue is a team's: the entry is about the team that runs it
      audit: {
        action: 'queue.put',
        resourceType: 'team',
        change: true,
        personalData: false,
        resourceId: () => body.team,
      },
    });
  }
}
