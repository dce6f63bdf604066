import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class LastContactRepository {
  /**
   * Moves the customer's last contact to `at` when it is later than the one held (so events arriving out
   * of order leave the latest); a customer merged away passes it to the survivor, an erased one takes
   * nothing. Not an edit of the record: updated_at and version stay. Returns whether a customer took it.
   */
  async touch(manager: EntityManager, customerId: string, at: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count]
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE customer_profile.customers c SET last_contact_at = GREATEST(c.last_contact_at, $2::timestamptz)
        WHERE c.id = (SELECT COALESCE(m.merged_into, m.id) FROM customer_profile.customers m WHERE m.id = $1)
          AND c.erased_at IS NULL`,
      [customerId, at],
    );
    return affected > 0;
  }
}
