import { BadRequestException, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, ValidateNested, validateSync } from 'class-validator';
import { ProblemException, toProblem } from './problem';
import { flattenValidationErrors } from './validation';

describe(toProblem.name, () => {
  it('keeps the type, status and extensions of a ProblemException', () => {
    const sut = toProblem(new ProblemException('conflict', 'Customer already exists', { candidates: ['a'] }));
    expect(sut).toEqual({
      type: 'https://rapport.dev/problems/conflict',
      title: 'Conflict with the current state',
      status: 409,
      detail: 'Customer already exists',
      candidates: ['a'],
    });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({ type: 'https://rapport.dev/problems/not-found', status: 404 });
    expect(toProblem(new BadRequestException('Validation failed (uuid is expected)'))).toMatchObject({
      type: 'https://rapport.dev/problems/validation-error',
      status: 400,
      detail: 'Validation failed (uuid is expected)',
    });
  });

  it('reveals nothing of an unexpected error', () => {
    const sut = toProblem(new Error('password=hunter2 at db.ts:12'));
    expect(sut).toEqual({
      type: 'https://rapport.dev/problems/internal-error',
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred',
    });
  });
});

class Line {
  @IsString() sku!: string;
  @IsInt() quantity!: number;
}
class Order {
  @ValidateNested({ each: true }) lines!: Line[];
}

describe(flattenValidationErrors.name, () => {
  it('names nested fields by path', () => {
    const order = plainToInstance(Order, { lines: [{ sku: 'A', quantity: 1 }, { sku: 2, quantity: 'x' }] });
    order.lines = order.lines.map((l) => plainToInstance(Line, l));
    const sut = flattenValidationErrors(validateSync(order));
    expect(sut).toEqual([
      { field: 'lines[1].sku', message: 'sku must be a string' },
      { field: 'lines[1].quantity', message: 'quantity must be an integer number' },
    ]);
  });
});
