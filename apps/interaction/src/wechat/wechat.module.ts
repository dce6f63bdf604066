import { Module } from '@nestjs/common';
import { InteractionsModule } from '../interactions/interactions.module';
import { HttpWechatApi, WECHAT_API } from './wechat-api.port';
import { WechatCallbackController, WechatMessagesController } from './wechat.controller';
import { WechatRepository } from './wechat.repository';
import { WechatScheduler } from './wechat.scheduler';
import { WechatService } from './wechat.service';

@Module({
  imports: [InteractionsModule],
  controllers: [WechatCallbackController, WechatMessagesController],
  providers: [WechatRepository, WechatService, WechatScheduler, { provide: WECHAT_API, useClass: HttpWechatApi }],
  // the repository for the subject-rights participant
  exports: [WechatRepository],
})
export class WechatModule {}
