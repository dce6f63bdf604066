import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { pingDatabase } from '@rapport/platform-database';
import type { MessageBus } from '@rapport/platform-messaging';
import { metricsRegistry, recordReadiness } from '@rapport/platform-observability';
import { ProblemException } from '@rapport/platform-http';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { PublicRoute } from './internal-auth.guard';
import { ServiceLifecycle } from './lifecycle';
import { MESSAGE_BUS } from './tokens';

@ApiExcludeController()
@PublicRoute()
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  /** Liveness: the process answers. Never depends on Postgres or Kafka. */
  @Get('health/live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Kafka are reachable, and the service is not shutting down. */
  @Get('health/ready')
  async ready() {
    const [database, kafka] = await Promise.all([
      pingDatabase(this.dataSource).then(
        () => 'up',
        (e: Error) => `down: ${e.message}`,
      ),
      this.bus.ping().then(
        () => 'up',
        (e: Error) => `down: ${e.message}`,
      ),
    ]);
    const checks = { database, kafka, shutdown: this.lifecycle.isStopping ? 'in progress' : 'no' };
    const ready = database === 'up' && kafka === 'up' && !this.lifecycle.isStopping;
    recordReadiness(ready);
    if (!ready) {
      throw new ProblemException('unavailable', 'Not ready', { checks });
    }
    return { status: 'ok', checks };
  }

  @Get('metrics')
  async metrics(@Res() response: Response) {
    response.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }
}
