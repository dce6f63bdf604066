import { BadRequestException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsString, ValidateNested, validateSync } from 'class-validator';
import { ProblemException, toProblem } from './problem';
import { ProblemDetailsFilter } from './problem.filter';
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
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
      type: 'https://rapport.dev/problems/not-found',
      status: 404,
    });
    expect(toProblem(new BadRequestException('Validation failed (uuid is expected)'))).toMatchObject({
      type: 'https://rapport.dev/problems/validation-error',
      status: 400,
      detail: 'Validation failed (uuid is expected)',
    });
  });

  it('answers 503 when the database is saturated, so the client retries instead of seeing a 500', () => {
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    for (const error of [poolTimeout, deadlock]) {
      expect(toProblem(error)).toEqual({
        type: 'https://rapport.dev/problems/service-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'The service is busy; retry shortly',
      });
    }
    // A constraint violation is a bug or bad data, not load: still a 500 that reveals nothing.
    expect(toProblem(Object.assign(new Error('duplicate key'), { code: '23505' })).status).toBe(500);
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
    const order = plainToInstance(Order, {
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 2, quantity: 'x' },
      ],
    });
    order.lines = order.lines.map((l) => plainToInstance(Line, l));
    const sut = flattenValidationErrors(validateSync(order));
    expect(sut).toEqual([
      { field: 'lines[1].sku', message: 'sku must be a string' },
      { field: 'lines[1].quantity', message: 'quantity must be an integer number' },
    ]);
  });
});

describe(ProblemDetailsFilter.name, () => {
  it('tells a client refused for load when to retry', () => {
    const headers = new Map<string, string>();
    const sent: { status?: number; body?: string } = {};
    const response = {
      headersSent: false,
      setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
      status(code: number) {
        sent.status = code;
        return this;
      },
      type() {
        return this;
      },
      send(body: string) {
        sent.body = body;
      },
    };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({
        getRequest: () => ({ originalUrl: '/internal/v1/imports' }),
        getResponse: () => response,
      }),
    } as unknown as ArgumentsHost;
    const logger = { error: () => undefined } as unknown as ConstructorParameters<typeof ProblemDetailsFilter>[0];

    new ProblemDetailsFilter(logger).catch(new Error('timeout exceeded when trying to connect'), host);

    expect(sent.status).toBe(503);
    expect(headers.get('retry-after')).toBe('1');
    expect(JSON.parse(sent.body!)).toMatchObject({
      type: 'https://rapport.dev/problems/service-unavailable',
      instance: '/internal/v1/imports',
    });
  });
});
