import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { CustomersModule } from './customers/customers.module';
import { ConsentModule } from './consent/consent.module';
import { CustomFieldsModule } from './custom-fields/custom-fields.module';
import { SearchModule } from './search/search.module';
import { DuplicatesModule } from './duplicates/duplicates.module';
import { RichCustomerRecords1764000100000 } from './database/migrations/1764000100000-RichCustomerRecords';
import { CustomerMergeTombstones1764000101000 } from './database/migrations/1764000101000-CustomerMergeTombstones';
import { CreateCustomers1764000001000 } from './database/migrations/1764000001000-CreateCustomers';
import { CreatePurchases1764000200000 } from './database/migrations/1764000200000-CreatePurchases';
import { CreateOwnershipAndLifecycle1764000201000 } from './database/migrations/1764000201000-CreateOwnershipAndLifecycle';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { OwnershipModule } from './ownership/ownership.module';
import { PurchasesModule } from './purchases/purchases.module';
import { CreateImports1764000202000 } from './database/migrations/1764000202000-CreateImports';
import { ExportsModule } from './exports/exports.module';
import { ImportsModule } from './imports/imports.module';
import { ExactContactIndexes1764000310000 } from './database/migrations/1764000310000-ExactContactIndexes';
import { PurchaseImports1764000311000 } from './database/migrations/1764000311000-PurchaseImports';
import { SegmentsModule } from './segments/segments.module';
import { CreateSegments1764000300000 } from './database/migrations/1764000300000-CreateSegments';
import { ScoresModule } from './scores/scores.module';
import { LastContactModule } from './last-contact/last-contact.module';
import { WechatLeadsModule } from './wechat-leads/wechat-leads.module';
import { TeamsAndValueTiers1764000320000 } from './database/migrations/1764000320000-TeamsAndValueTiers';
import { CreateErasureRequests1764000400000 } from './database/migrations/1764000400000-CreateErasureRequests';

export const serviceDefinition: ServiceDefinition = {
  name: 'customer-profile',
  migrations: [
    CreateCustomers1764000001000,
    RichCustomerRecords1764000100000,
    CustomerMergeTombstones1764000101000,
    CreatePurchases1764000200000,
    CreateOwnershipAndLifecycle1764000201000,
    CreateImports1764000202000,
    CreateSegments1764000300000,
    ExactContactIndexes1764000310000,
    PurchaseImports1764000311000,
    TeamsAndValueTiers1764000320000,
    CreateErasureRequests1764000400000,
  ],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    ExportsModule,
    ImportsModule,
    CustomersModule,
    CustomFieldsModule,
    SearchModule,
    ConsentModule,
    DuplicatesModule,
    PurchasesModule,
    OwnershipModule,
    LifecycleModule,
    ScoresModule,
    LastContactModule,
    WechatLeadsModule,
    SegmentsModule,
  ],
})
export class AppModule {}
