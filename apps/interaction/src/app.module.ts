import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { CreateCustomerRefs1764000003000 } from './database/migrations/1764000003000-CreateCustomerRefs';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'interaction',
  migrations: [CreateCustomerRefs1764000003000],
  requireCallerIdentity: true,
};

@Module({ imports: [ServiceCoreModule.forRoot(serviceDefinition), CustomerRefsModule] })
export class AppModule {}
