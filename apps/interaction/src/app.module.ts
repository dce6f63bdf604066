import { Module } from '@nestjs/common';
import { schemaOf } from '@rapport/contracts';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { mergedCustomersMigration, SubjectRightsModule } from '@rapport/platform-subject-rights';
import { InteractionConfigModule } from './interaction.config';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';
import { CustomerRefsSubjectRights } from './customer-refs/customer-refs.subject-rights';
import { CreateCustomerRefs1764000003000 } from './database/migrations/1764000003000-CreateCustomerRefs';
import { CreateSurveys1764900000000 } from './database/migrations/1764900000000-CreateSurveys';
import { SurveysModule } from './surveys/surveys.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'interaction',
  // The merged-customers table is the subject-rights library's; its timestamp is fixed once it has run.
  migrations: [
    CreateCustomerRefs1764000003000,
    mergedCustomersMigration(schemaOf('interaction'), 1764001000000),
    CreateSurveys1764900000000,
  ],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    InteractionConfigModule,
    CustomerRefsModule,
    SurveysModule,
    SubjectRightsModule.forParticipant({
      service: 'interaction',
      participant: CustomerRefsSubjectRights,
      imports: [CustomerRefsModule],
    }),
  ],
})
export class AppModule {}
