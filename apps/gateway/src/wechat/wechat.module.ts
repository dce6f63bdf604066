import { Module } from '@nestjs/common';
import { WechatCallbackController } from './wechat-callback.controller';
import { WechatMessagesController } from './wechat-messages.controller';

/** interaction's WeChat Official Account channel: WeChat's server URL and replies to customers. */
@Module({ controllers: [WechatCallbackController, WechatMessagesController] })
export class WechatModule {}
