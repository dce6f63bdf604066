import { Inject, Injectable } from '@nestjs/common';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { ProblemException } from '@rapport/platform-http';
import { CompactSign, type JSONWebKeySet } from 'jose';
import { UpstreamClient, type UpstreamResponse } from '../upstream/upstream.client';
import type { ErasureReceiptView, ErasureView } from './erasure.dto';
import { RECEIPT_KEY, type ReceiptKey } from './receipt-key';

export const JWKS_PATH = '/api/v1/erasures/jwks.json';
const RECEIPT_TYPE = 'erasure-receipt+jws';

/** An answer of customer-profile that is not the request (404, 400…): relayed as it came. */
export class ErasureAnswer {
  constructor(readonly answer: UpstreamResponse) {}
}

/**
 * Erasure requests are kept by customer-profile; the gateway signs the receipt of a complete one with
 * the platform's key, so that anyone can check it against the published JWKS without trusting the
 * channel it travelled through.
 */
@Injectable()
export class ErasureReceiptService {
  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(RECEIPT_KEY) private readonly key: ReceiptKey,
  ) {}

  jwks(): JSONWebKeySet {
    return { keys: [this.key.publicJwk] };
  }

  async receipt(id: string, identity: CallerIdentity, requestId?: string): Promise<ErasureReceiptView | ErasureAnswer> {
    const answer = await this.upstream.call('customer-profile', 'GET', `/internal/v1/erasures/${id}`, {
      identity,
      ...(requestId ? { requestId } : {}),
    });
    if (answer.status !== 200) return new ErasureAnswer(answer);
    const erasure = answer.body as ErasureView;
    const pending = erasure.services.filter((s) => s.state !== 'acknowledged').map((s) => s.service);
    if (erasure.state !== 'completed' || pending.length > 0) {
      throw new ProblemException(
        'conflict',
        `Erasure ${id} is still open: waiting for ${pending.join(', ') || 'its completion'}; the receipt is issued once every service has acknowledged`,
        { code: 'erasure-incomplete', pending },
        { 'Retry-After': '5' },
      );
    }
    const payload = {
      iss: 'rapport',
      erasureId: erasure.id,
      // The anonymous key the customer's data was held under: not personal data by itself, and what
      // links the receipt to the request the controller received (see README, For the privacy officer).
      customerId: erasure.customerId,
      requestedBy: erasure.requestedBy,
      requestedAt: erasure.requestedAt,
      completedAt: erasure.completedAt,
      issuedAt: new Date().toISOString(),
      services: erasure.services.map((s) => ({
        service: s.service,
        acknowledgedAt: s.acknowledgedAt,
        removed: s.removed,
        kept: s.kept,
      })),
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: RECEIPT_TYPE, cty: 'json' })
      .sign(this.key.privateKey);
    return { erasureId: erasure.id, jws, kid: this.key.kid, jwksUri: JWKS_PATH };
  }
}
