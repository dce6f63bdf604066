import { Module } from '@nestjs/common';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { CustomerKeys } from './customer-keys';
import { ErasedCustomersRepository } from './erased-customers.repository';
import { PurchaseLedgerRepository } from './purchase-ledger.repository';

/** The purchase ledger; the rfm feature's purchase consumer fills it, the models read it. */
@Module({
  providers: [PurchaseLedgerRepository, ErasedCustomersRepository, MergedCustomers, CustomerKeys],
  exports: [PurchaseLedgerRepository, ErasedCustomersRepository, CustomerKeys],
})
export class PurchaseLedgerModule {}
