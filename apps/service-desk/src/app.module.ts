import { Module } from '@nestjs/common';
import { schemaOf } from '@rapport/contracts';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { mergedCustomersMigration, SubjectRightsModule } from '@rapport/platform-subject-rights';
import { ServiceDeskConfigModule } from './service-desk.config';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';
import { CustomerRefsSubjectRights } from './customer-refs/customer-refs.subject-rights';
import { CreateCustomerRefs1764000004000 } from './database/migrations/1764000004000-CreateCustomerRefs';

export const serviceDefinition: ServiceDefinition = {
  name: 'service-desk',
  // The merged-customers table is the subject-rights library's; its timestamp is fixed once it has run.
  migrations: [CreateCustomerRefs1764000004000, mergedCustomersMigration(schemaOf('service-desk'), 1764001000000)],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    ServiceDeskConfigModule,
    CustomerRefsModule,
    SubjectRightsModule.forParticipant({
      service: 'service-desk',
      participant: CustomerRefsSubjectRights,
      imports: [CustomerRefsModule],
    }),
  ],
})
export class AppModule {}
