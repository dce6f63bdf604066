import { ApiProperty } from '@nestjs/swagger';

export class ErasureKeptItem {
  @ApiProperty({ example: 'purchases, their lines, refunds and totals under the anonymous customer id' }) what!: string;
  @ApiProperty({
    example: 'accounting and tax law require order records; without the person they are no longer personal data',
  })
  why!: string;
}

export class ErasureServiceStateView {
  @ApiProperty({ example: 'loyalty' }) service!: string;
  @ApiProperty({ enum: ['pending', 'acknowledged'] }) state!: 'pending' | 'acknowledged';
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the service erased its part (null while pending)',
  })
  acknowledgedAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    nullable: true,
    example: { movements: 4, lots: 1 },
    description: 'What the service removed or anonymised, counted by kind (null while pending)',
  })
  removed!: Record<string, number> | null;
  @ApiProperty({
    type: [ErasureKeptItem],
    nullable: true,
    description: 'What the service keeps, and why the law lets or makes it (null while pending)',
  })
  kept!: ErasureKeptItem[] | null;
}

/** An erasure request and each participating service's part in it. */
export class ErasureView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The erased customer: an anonymous key now (reads of it answer 404)' })
  customerId!: string;
  @ApiProperty({ example: 'agent1', description: 'Who asked for the erasure' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ enum: ['open', 'completed'], description: 'completed once every expected service has acknowledged' })
  state!: 'open' | 'completed';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({
    type: [ErasureServiceStateView],
    description:
      'Every service the request waits for (the subject-rights participants when it was made), then any other that acknowledged',
  })
  services!: ErasureServiceStateView[];
}

export class ErasureReceiptView {
  @ApiProperty({ format: 'uuid' }) erasureId!: string;
  @ApiProperty({
    description:
      'The receipt: a compact JWS (RFC 7515; ES256 or EdDSA, `kid` in the header, `typ` `erasure-receipt+jws`) whose payload is JSON: ' +
      '`iss`, `erasureId`, `customerId`, `requestedBy`, `requestedAt`, `completedAt`, `issuedAt` and `services` ' +
      '(per service: `service`, `acknowledgedAt`, `removed`, `kept`). Verify it with any JOSE library against the JWKS at `jwksUri`',
    example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJlcmFzdXJlSWQiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  jws!: string;
  @ApiProperty({ example: 'CbZQ…', description: 'The id of the key that signed it, in the JWKS' }) kid!: string;
  @ApiProperty({
    example: '/api/v1/erasures/jwks.json',
    description: 'Where the public keys are published (public, no token needed)',
  })
  jwksUri!: string;
}
