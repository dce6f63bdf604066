import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/**
 * `limit` and `cursor` of a keyset-paged list, stated once. The list's service applies the default
 * limit; the cursor is the opaque `nextCursor` of the previous page. Extend the class it returns:
 * `class ListTicketsQuery extends PageQuery() { … }`.
 */
export function PageQuery({ defaultLimit = 50, maxLimit = 200 } = {}) {
  class Page {
    @ApiPropertyOptional({ minimum: 1, maximum: maxLimit, default: defaultLimit })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(maxLimit)
    limit?: number;

    @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque)', maxLength: 500 })
    @IsOptional()
    @IsString()
    @MaxLength(500)
    cursor?: string;
  }
  return Page;
}
