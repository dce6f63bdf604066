import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { InteractionConfigModule } from './interaction.config';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';
import { CustomerRefsSubjectRights } from './customer-refs/customer-refs.subject-rights';
import { CreateCustomerRefs1764000003000 } from './database/migrations/1764000003000-CreateCustomerRefs';
import { CreateMergedCustomers1764001000000 } from './database/migrations/1764001000000-CreateMergedCustomers';
import { SubjectRightsModule } from './subject-rights/subject-rights.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'interaction',
  migrations: [CreateCustomerRefs1764000003000, CreateMergedCustomers1764001000000],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    InteractionConfigModule,
    CustomerRefsModule,
    SubjectRightsModule.register({ imports: [CustomerRefsModule], participant: CustomerRefsSubjectRights }),
  ],
})
export class AppModule {}
