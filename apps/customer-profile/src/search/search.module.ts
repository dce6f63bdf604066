import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { SearchController } from './search.controller';
import { SearchRepository } from './search.repository';

@Module({ imports: [CustomersModule], controllers: [SearchController], providers: [SearchRepository] })
export class SearchModule {}
