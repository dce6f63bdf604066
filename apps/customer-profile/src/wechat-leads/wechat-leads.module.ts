import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { WechatLeadsConsumer } from './wechat-leads.consumer';

/** Consumes interaction's WeChat lead requests (the @OnEvent handler subscribes customer-profile's group). */
@Module({ imports: [CustomersModule], controllers: [WechatLeadsConsumer] })
export class WechatLeadsModule {}
