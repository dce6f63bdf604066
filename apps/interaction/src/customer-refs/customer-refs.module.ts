import { Module } from '@nestjs/common';
import { CustomerRefsConsumer } from './customer-refs.consumer';
import { CustomerRefsController } from './customer-refs.controller';
import { CustomerRefsRepository } from './customer-refs.repository';

@Module({ controllers: [CustomerRefsController, CustomerRefsConsumer], providers: [CustomerRefsRepository] })
export class CustomerRefsModule {}
