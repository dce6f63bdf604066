import { Module } from '@nestjs/common';
import { schemaOf } from '@rapport/contracts';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { mergedCustomersMigration, SubjectRightsModule } from '@rapport/platform-subject-rights';
import { ActivityModule } from './activity/activity.module';
import { AnalyticsConfigModule } from './analytics.config';
import { ChurnModule } from './churn/churn.module';
import { ClvModule } from './clv/clv.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import { CustomerFactsModule } from './customer-facts/customer-facts.module';
import { CustomerFactsSubjectRights } from './customer-facts/customer-facts.subject-rights';
import { CreateCustomerFacts1764000002000 } from './database/migrations/1764000002000-CreateCustomerFacts';
import { CreateRfmScores1764900000000 } from './database/migrations/1764900000000-CreateRfmScores';
import { CreateActivityFacts1765400000000 } from './database/migrations/1765400000000-CreateActivityFacts';
import { KpisModule } from './kpis/kpis.module';
import { CreatePurchaseLedger1765000000000 } from './database/migrations/1765000000000-CreatePurchaseLedger';
import { CreateRebuilds1765600000000 } from './database/migrations/1765600000000-CreateRebuilds';
import { CreateErasedCustomers1765600000001 } from './database/migrations/1765600000001-CreateErasedCustomers';
import { IndexForecastsByTime1765700000000 } from './database/migrations/1765700000000-IndexForecastsByTime';
import { AddScoringRunTimings1765700000001 } from './database/migrations/1765700000001-AddScoringRunTimings';
import { CreateForecasts1765200000000 } from './database/migrations/1765200000000-CreateForecasts';
import { ForecastsModule } from './forecasts/forecasts.module';
import { CreateClvFits1765100000000 } from './database/migrations/1765100000000-CreateClvFits';
import { CreateChurnRisks1765100001000 } from './database/migrations/1765100001000-CreateChurnRisks';
import { CreateRecommendations1765300000000 } from './database/migrations/1765300000000-CreateRecommendations';
import { PurchaseLedgerModule } from './purchase-ledger/purchase-ledger.module';
import { RecommendationsModule } from './recommendations/recommendations.module';
import { RebuildsModule } from './rebuilds/rebuilds.module';
import { RfmModule } from './rfm/rfm.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'analytics',
  // The merged-customers table is the subject-rights library's; its timestamp is fixed once it has run.
  migrations: [
    CreateCustomerFacts1764000002000,
    mergedCustomersMigration(schemaOf('analytics'), 1764001000000),
    CreateRfmScores1764900000000,
    CreatePurchaseLedger1765000000000,
    CreateClvFits1765100000000,
    CreateChurnRisks1765100001000,
    CreateForecasts1765200000000,
    CreateRecommendations1765300000000,
    CreateActivityFacts1765400000000,
    CreateRebuilds1765600000000,
    CreateErasedCustomers1765600000001,
    IndexForecastsByTime1765700000000,
    AddScoringRunTimings1765700000001,
  ],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    AnalyticsConfigModule,
    CustomerFactsModule,
    RfmModule,
    RebuildsModule,
    ForecastsModule,
    ClvModule,
    ChurnModule,
    RecommendationsModule,
    ActivityModule,
    KpisModule,
    DashboardsModule,
    SubjectRightsModule.forParticipant({
      service: 'analytics',
      participant: CustomerFactsSubjectRights,
      imports: [CustomerFactsModule, RfmModule, PurchaseLedgerModule, ChurnModule, ActivityModule],
    }),
  ],
})
export class AppModule {}
