import { Module } from '@nestjs/common';
import { ErasedCustomersRepository } from './erased-customers.repository';
import { PurchaseLedgerRepository } from './purchase-ledger.repository';

/** The purchase ledger; the rfm feature's purchase consumer fills it, the models read it. */
@Module({
  providers: [PurchaseLedgerRepository, ErasedCustomersRepository],
  exports: [PurchaseLedgerRepository, ErasedCustomersRepository],
})
export class PurchaseLedgerModule {}
