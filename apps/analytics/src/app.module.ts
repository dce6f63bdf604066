import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { AnalyticsConfigModule } from './analytics.config';
import { CustomerFactsModule } from './customer-facts/customer-facts.module';
import { CustomerFactsSubjectRights } from './customer-facts/customer-facts.subject-rights';
import { CreateCustomerFacts1764000002000 } from './database/migrations/1764000002000-CreateCustomerFacts';
import { CreateMergedCustomers1764001000000 } from './database/migrations/1764001000000-CreateMergedCustomers';
import { SubjectRightsModule } from './subject-rights/subject-rights.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'analytics',
  migrations: [CreateCustomerFacts1764000002000, CreateMergedCustomers1764001000000],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    AnalyticsConfigModule,
    CustomerFactsModule,
    SubjectRightsModule.register({ imports: [CustomerFactsModule], participant: CustomerFactsSubjectRights }),
  ],
})
export class AppModule {}
