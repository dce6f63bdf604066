import { Module } from '@nestjs/common';
import { ChurnModule } from '../churn/churn.module';
import { ClvModule } from '../clv/clv.module';
import { PurchaseLedgerModule } from '../purchase-ledger/purchase-ledger.module';
import { RfmConsumer } from './rfm.consumer';
import { RfmController } from './rfm.controller';
import { RfmRepository } from './rfm.repository';
import { RfmScheduler } from './rfm.scheduler';
import { RfmService } from './rfm.service';

@Module({
  imports: [PurchaseLedgerModule, ClvModule, ChurnModule],
  controllers: [RfmController, RfmConsumer],
  providers: [RfmRepository, RfmService, RfmScheduler],
  // for the subject-rights participant, which re-keys and erases these facts and rescores survivors
  exports: [RfmRepository, RfmService],
})
export class RfmModule {}
