import { ApiProperty } from '@nestjs/swagger';
import { CustomerView } from '@rapport/contracts';

export class ExportSourceView {
  @ApiProperty({ example: 'loyalty', description: 'The service that holds these sections' }) service!: string;
  @ApiProperty({ format: 'date-time', description: 'When the service read them' }) readAt!: string;
  @ApiProperty({
    type: [String],
    example: ['loyaltyAccount', 'pointsLedger'],
    description: 'The keys of `sections` it answered',
  })
  sections!: string[];
}

/** GET /api/v1/customers/{id}/export: everything every participating service holds on the customer. */
export class SubjectAccessExport {
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ format: 'uuid', description: 'The customer exported: the survivor when the id asked for was merged' })
  customerId!: string;
  @ApiProperty({
    type: CustomerView,
    description: 'The profile, unmasked (the same as sections.profile; kept for existing clients)',
  })
  customer!: CustomerView;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'One entry per kind of data held, whichever service holds it: profile, consents, duplicateCandidates, segmentMemberships, purchases (lines, refunds), ' +
      'ownershipHistory, lifecycleHistory (customer-profile); loyaltyAccount, pointsLedger, pointLots, purchasePoints, redemptions, coupons, referrals (loyalty)',
  })
  sections!: Record<string, unknown>;
  @ApiProperty({
    type: [ExportSourceView],
    description: 'Which service answered which sections, and when it read them; every participating service is listed',
  })
  sources!: ExportSourceView[];
}
