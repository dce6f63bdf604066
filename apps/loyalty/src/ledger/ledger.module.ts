import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { LedgerConsumer } from './ledger.consumer';
import { LedgerRepository } from './ledger.repository';
import { LedgerScheduler } from './ledger.scheduler';
import { LedgerService } from './ledger.service';
import { LOYALTY_CONFIG, loadLoyaltyConfig } from './loyalty.config';
import { MembersController } from './members.controller';

@Module({
  controllers: [MembersController, AdminController, LedgerConsumer],
  // Validated at boot: a bad LOYALTY_* value stops the service with a message naming it.
  providers: [{ provide: LOYALTY_CONFIG, useFactory: () => loadLoyaltyConfig() }, LedgerRepository, LedgerService, LedgerScheduler],
  exports: [LedgerRepository],
})
export class LedgerModule {}
