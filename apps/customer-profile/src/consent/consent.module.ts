import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { ConsentConsumer } from './consent.consumer';
import { ConsentController } from './consent.controller';
import { ConsentRepository } from './consent.repository';
import { ConsentService } from './consent.service';

@Module({
  imports: [CustomersModule],
  controllers: [ConsentController, ConsentConsumer],
  providers: [ConsentService, ConsentRepository],
})
export class ConsentModule {}
