import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type CouponUse =
  | { outcome: 'used'; customerId: string; rewardId: string; usedAt: Date; validUntil: Date }
  | { outcome: 'unknown' }
  | { outcome: 'already-used'; usedAt: Date }
  | { outcome: 'expired'; validUntil: Date };

/** A coupon lives on its confirmed reward redemption (loyalty.redemptions). */
interface CouponRow {
  customer_id: string;
  reward_id: string;
  coupon_used_at: Date | null;
  coupon_valid_until: Date;
}

/** The only SQL of coupons. */
@Injectable()
export class CouponsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Marks a coupon used if it is unused and valid: one conditional update, so only one of concurrent uses wins. */
  async use(code: string, at: Date): Promise<CouponUse> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [CouponRow[], number] = await this.dataSource.query(
      `UPDATE loyalty.redemptions SET coupon_used_at = $2 WHERE coupon_code = $1 AND coupon_used_at IS NULL AND coupon_valid_until > $2
       RETURNING customer_id, reward_id, coupon_used_at, coupon_valid_until`,
      [code, at],
    );
    const used = rows[0];
    if (used)
      return {
        outcome: 'used',
        customerId: used.customer_id,
        rewardId: used.reward_id,
        usedAt: used.coupon_used_at!,
        validUntil: used.coupon_valid_until,
      };
    const [row]: Array<Pick<CouponRow, 'coupon_used_at' | 'coupon_valid_until'>> = await this.dataSource.query(
      `SELECT coupon_used_at, coupon_valid_until FROM loyalty.redemptions WHERE coupon_code = $1`,
      [code],
    );
    if (!row) return { outcome: 'unknown' };
    return row.coupon_used_at
      ? { outcome: 'already-used', usedAt: row.coupon_used_at }
      : { outcome: 'expired', validUntil: row.coupon_valid_until };
  }
}
