import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { CustomerEntity } from './customers/customer.entity';
import { CustomersModule } from './customers/customers.module';
import { CreateCustomers1764000001000 } from './database/migrations/1764000001000-CreateCustomers';

export const serviceDefinition: ServiceDefinition = {
  name: 'customer-profile',
  migrations: [CreateCustomers1764000001000],
  entities: [CustomerEntity],
  requireCallerIdentity: true,
};

@Module({ imports: [ServiceCoreModule.forRoot(serviceDefinition), CustomersModule] })
export class AppModule {}
