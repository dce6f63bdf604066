import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { PutQueueRequest, type QueueList, type QueueView } from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import type { QueueRecord } from './queues.repository';
import { QueuesService } from './queues.service';

/** Internal API, reached through the gateway only. */
@Controller('internal/v1/queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @CallerScopes('tickets:read')
  async list(): Promise<QueueList> {
    return { items: (await this.queues.list()).map(toQueueView) };
  }

  @Get(':name')
  @CallerScopes('tickets:read')
  async get(@Param('name') name: string): Promise<QueueView> {
    return toQueueView(await this.queues.get(name));
  }

  /** Creates (201) or replaces (200) the queue. */
  @Put(':name')
  @CallerScopes('tickets:write')
  async put(
    @Param('name') name: string,
    @Body() body: PutQueueRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<QueueView> {
    const { queue, created } = await this.queues.put(name, body, caller);
    response.status(created ? 201 : 200);
    return toQueueView(queue);
  }
}

function toQueueView(queue: QueueRecord): QueueView {
  return {
    name: queue.name,
    team: queue.team,
    lead: queue.lead,
    members: queue.members,
    available: queue.available,
    assignment: queue.assignment,
    match: queue.match,
    priority: queue.priority,
    vip: queue.vip,
    updatedAt: queue.updatedAt.toISOString(),
  };
}
