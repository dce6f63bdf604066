import { Module } from '@nestjs/common';
import { LOYALTY_CONFIG, loadLoyaltyConfig } from './loyalty.config';

/** One validated read at boot for every feature: a bad LOYALTY_* value stops the service with a message naming it. */
@Module({ providers: [{ provide: LOYALTY_CONFIG, useFactory: () => loadLoyaltyConfig() }], exports: [LOYALTY_CONFIG] })
export class LoyaltyConfigModule {}
