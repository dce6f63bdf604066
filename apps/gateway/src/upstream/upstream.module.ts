import { Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, loadGatewayConfig } from './gateway-config';
import { UpstreamClient } from './upstream.client';

@Global()
@Module({
  providers: [{ provide: GATEWAY_CONFIG, useFactory: () => loadGatewayConfig() }, UpstreamClient],
  exports: [UpstreamClient, GATEWAY_CONFIG],
})
export class UpstreamModule {}
