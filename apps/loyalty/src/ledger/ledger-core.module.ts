import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';
import { MovementsRepository } from './movements.repository';
import { PostingService } from './posting.service';
import { PurchasesRepository } from './purchases.repository';

/**
 * The book every balance-changing feature shares (ledger, redemptions, referrals): the account lock,
 * movement posting and the purchases earned on. It depends on no feature, so none of them form a cycle.
 */
@Module({
  providers: [AccountsRepository, MovementsRepository, PurchasesRepository, PostingService],
  exports: [AccountsRepository, MovementsRepository, PurchasesRepository, PostingService],
})
export class LedgerCoreModule {}
