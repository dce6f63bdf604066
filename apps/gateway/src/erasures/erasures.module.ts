import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';
import { ErasuresController } from './erasures.controller';
import { ErasureReceiptService } from './erasures.service';
import { loadReceiptKey, RECEIPT_KEY } from './receipt-key';

@Module({
  controllers: [ErasuresController],
  providers: [
    // Loaded (or, locally, created) at boot: a bad key stops the gateway with a message naming the variable.
    { provide: RECEIPT_KEY, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => loadReceiptKey(config) },
    ErasureReceiptService,
  ],
})
export class ErasuresModule {}
