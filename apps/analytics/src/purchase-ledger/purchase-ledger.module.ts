import { Module } from '@nestjs/common';
import { PurchaseLedgerRepository } from './purchase-ledger.repository';

/** The purchase ledger; the rfm feature's purchase consumer fills it, the models read it. */
@Module({
  providers: [PurchaseLedgerRepository],
  exports: [PurchaseLedgerRepository],
})
export class PurchaseLedgerModule {}
