import { Module } from '@nestjs/common';
import { CustomerRefsModule } from '../customer-refs/customer-refs.module';
import { InteractionsController } from './interactions.controller';
import { InteractionsRepository } from './interactions.repository';
import { InteractionsService } from './interactions.service';

@Module({
  imports: [CustomerRefsModule],
  controllers: [InteractionsController],
  providers: [InteractionsRepository, InteractionsService],
  // InteractionsService for follow-ups (completing one records the contact); the repository for subject rights
  exports: [InteractionsRepository, InteractionsService],
})
export class InteractionsModule {}
