import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const IMPORT_KINDS = ['customers', 'purchases'] as const;

/** What an import brings in: customers (the default) or purchases. */
export class CreateImportQuery {
  @ApiPropertyOptional({
    enum: IMPORT_KINDS,
    default: 'customers',
    description:
      'customers: one customer per row. purchases: CSV with one row per order line (externalOrderId, customerId or email or phone or ' +
      'identifierType + identifier, currency, channel, occurredAt, sku, name, category, quantity, unitPrice; rows sharing externalOrderId form ' +
      'one purchase) or JSON lines with one purchase each (the body of POST /customers/{id}/purchases plus the customer reference)',
  })
  @IsOptional()
  @IsIn(IMPORT_KINDS, { message: 'type must be customers or purchases' })
  type?: (typeof IMPORT_KINDS)[number];
}
