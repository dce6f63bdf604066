import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Customer360Module } from './customer-360/customer-360.module';
import { CustomersModule } from './customers/customers.module';
import { ErasuresModule } from './erasures/erasures.module';
import { CreateAuditLog1764000010000 } from './database/migrations/1764000010000-CreateAuditLog';
import { CreateIdempotencyKeys1764000011000 } from './database/migrations/1764000011000-CreateIdempotencyKeys';
import { CreateAuditSubjects1764000600000 } from './database/migrations/1764000600000-CreateAuditSubjects';
import { LoyaltyModule } from './loyalty/loyalty.module';
import { UpstreamModule } from './upstream/upstream.module';
import { PurchasesModule } from './purchases/purchases.module';
import { OwnershipModule } from './ownership/ownership.module';
import { ImportsModule } from './imports/imports.module';
import { SegmentsModule } from './segments/segments.module';
import { TicketsModule } from './tickets/tickets.module';
import { QueuesModule } from './queues/queues.module';
import { BusinessCalendarsModule } from './business-calendars/business-calendars.module';
import { SlaPoliciesModule } from './sla-policies/sla-policies.module';
import { ServiceDeskModule } from './service-desk/service-desk.module';
import { SurveysModule } from './surveys/surveys.module';
import { WechatModule } from './wechat/wechat.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { InteractionsModule } from './interactions/interactions.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'gateway',
  migrations: [CreateAuditLog1764000010000, CreateIdempotencyKeys1764000011000, CreateAuditSubjects1764000600000],
  // The gateway authenticates public callers itself (OIDC) and signs the identity it hands to services.
  requireCallerIdentity: false,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    UpstreamModule,
    AuthModule,
    ImportsModule,
    CustomersModule,
    ErasuresModule,
    Customer360Module,
    AnalyticsModule,
    AuditModule,
    PurchasesModule,
    OwnershipModule,
    LoyaltyModule,
    SegmentsModule,
    TicketsModule,
    QueuesModule,
    BusinessCalendarsModule,
    SlaPoliciesModule,
    ServiceDeskModule,
    SurveysModule,
    WechatModule,
    CampaignsModule,
    InteractionsModule,
  ],
})
export class AppModule {}
