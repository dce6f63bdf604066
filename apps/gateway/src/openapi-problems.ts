import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemTypes, PROBLEM_BASE_URI } from '@rapport/platform-http';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    traceId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** Documents the problem+json answers of a route, with their stable `type` URIs. */
export function ApiProblems(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => {
      const types = Object.values(ProblemTypes)
        .filter((p) => p.status === status)
        .map((p) => `${PROBLEM_BASE_URI}${p.slug}`);
      return ApiResponse({
        status,
        description: `Problem: ${types.join(' or ')}`,
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
      });
    }),
  );
}
