import { Global, Module } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiProxy } from './api-proxy';
import { GATEWAY_CONFIG, loadGatewayConfig } from './gateway-config';
import { UpstreamClient } from './upstream.client';

@Global()
@Module({
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: () => loadGatewayConfig() },
    UpstreamClient,
    ApiProxy,
    IdempotencyService,
    IdempotencyRepository,
    AuditRepository,
    AuditService,
  ],
  exports: [UpstreamClient, GATEWAY_CONFIG, ApiProxy, AuditService, IdempotencyService],
})
export class UpstreamModule {}
