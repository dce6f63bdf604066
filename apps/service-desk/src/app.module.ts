import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { ServiceDeskConfigModule } from './service-desk.config';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';
import { CustomerRefsSubjectRights } from './customer-refs/customer-refs.subject-rights';
import { CreateCustomerRefs1764000004000 } from './database/migrations/1764000004000-CreateCustomerRefs';
import { CreateMergedCustomers1764001000000 } from './database/migrations/1764001000000-CreateMergedCustomers';
import { SubjectRightsModule } from './subject-rights/subject-rights.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'service-desk',
  migrations: [CreateCustomerRefs1764000004000, CreateMergedCustomers1764001000000],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    ServiceDeskConfigModule,
    CustomerRefsModule,
    SubjectRightsModule.register({ imports: [CustomerRefsModule], participant: CustomerRefsSubjectRights }),
  ],
})
export class AppModule {}
