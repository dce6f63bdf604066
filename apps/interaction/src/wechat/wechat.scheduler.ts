import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { IntervalRunner, LOGGER } from '@rapport/platform-runtime';
import { INTERACTION_CONFIG, type InteractionConfig } from '../interaction.config';
import { WechatService } from './wechat.service';

/**
 * Logs held WeChat messages once their sender is a known customer (a lead's customer.created has
 * arrived, or an openid was added to a customer), every INTERACTION_WECHAT_TICK_MS. Safe on every
 * replica: messages are claimed with SKIP LOCKED and marked logged in the transaction that logs them.
 */
@Injectable()
export class WechatScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: IntervalRunner;

  constructor(
    wechat: WechatService,
    @Inject(LOGGER) log: Logger,
    @Inject(INTERACTION_CONFIG) private readonly config: InteractionConfig,
  ) {
    this.runner = new IntervalRunner(
      async () => {
        const logged = await wechat.logMatched();
        if (logged > 0) log.info({ logged }, 'held WeChat messages logged');
      },
      (error) => log.warn({ err: error }, 'WeChat tick failed; the next tick retries'),
    );
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.config.INTERACTION_WECHAT_TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
