import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { SearchController } from './search.controller';
import { SearchRepository } from './search.repository';
import { SearchService } from './search.service';

@Module({ imports: [CustomersModule], controllers: [SearchController], providers: [SearchRepository, SearchService] })
export class SearchModule {}
