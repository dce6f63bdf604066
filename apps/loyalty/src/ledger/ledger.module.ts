import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { LedgerConsumer } from './ledger.consumer';
import { LedgerRepository } from './ledger.repository';
import { LedgerScheduler } from './ledger.scheduler';
import { LedgerService } from './ledger.service';
import { MembersController } from './members.controller';

@Module({
  controllers: [MembersController, AdminController, LedgerConsumer],
  providers: [LedgerRepository, LedgerService, LedgerScheduler],
  exports: [LedgerRepository],
})
export class LedgerModule {}
