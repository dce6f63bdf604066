import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { CustomerFactsModule } from './customer-facts/customer-facts.module';
import { CreateCustomerFacts1764000002000 } from './database/migrations/1764000002000-CreateCustomerFacts';

export const serviceDefinition: ServiceDefinition = {
  name: 'analytics',
  migrations: [CreateCustomerFacts1764000002000],
  requireCallerIdentity: true,
};

@Module({ imports: [ServiceCoreModule.forRoot(serviceDefinition), CustomerFactsModule] })
export class AppModule {}
