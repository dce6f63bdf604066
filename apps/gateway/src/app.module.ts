import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { AnalyticsModule } from './analytics/analytics.module';
import { CustomersModule } from './customers/customers.module';
import { UpstreamModule } from './upstream/upstream.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'gateway',
  migrations: [],
  // The gateway authenticates public callers itself and signs the identity it hands to services.
  requireCallerIdentity: false,
};

@Module({ imports: [ServiceCoreModule.forRoot(serviceDefinition), UpstreamModule, CustomersModule, AnalyticsModule] })
export class AppModule {}
