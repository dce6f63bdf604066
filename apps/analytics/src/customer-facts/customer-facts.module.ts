import { Module } from '@nestjs/common';
import { CustomerFactsConsumer } from './customer-facts.consumer';
import { CustomerFactsController } from './customer-facts.controller';
import { CustomerFactsRepository } from './customer-facts.repository';

@Module({ controllers: [CustomerFactsController, CustomerFactsConsumer], providers: [CustomerFactsRepository] })
export class CustomerFactsModule {}
