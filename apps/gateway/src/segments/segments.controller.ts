import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateSegmentRequest,
  CustomerCountView,
  CustomerPage,
  PreviewSegmentRequest,
  RemoveSegmentMembersBody,
  RemoveSegmentMembersQuery,
  SegmentList,
  SegmentMembersAdded,
  SegmentMembersQuery,
  SegmentMembersRemoved,
  SegmentMembersRequest,
  SegmentPreview,
  SegmentView,
  UpdateSegmentRequest,
} from '@rapport/contracts';
import { ProblemException, versionFromIfMatch } from '@rapport/platform-http';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { toQueryString } from '../customers/query-string';
import { RawUpstream } from '../imports/raw-upstream';
import { ApiProblems } from '../openapi-problems';
import { answerId, ApiProxy, idList, itemIds, type AuditPolicy } from '../upstream/api-proxy';

const UPSTREAM = 'customer-profile';

/**
 * Member reads return customers: audited like the customer list when they come back unmasked, with
 * the customers they handed out.
 */
const memberRead = (action: string, id?: string): AuditPolicy => ({
  action,
  resourceType: 'segment',
  change: false,
  personalData: true,
  ...(id ? { resourceId: () => id } : {}),
  subjects: itemIds,
});

/** A change to a segment (or to a static list's members, who are then its subjects). */
const segmentChange = (action: string, id?: string, subjects?: AuditPolicy['subjects']): AuditPolicy => ({
  action,
  resourceType: 'segment',
  change: true,
  resourceId: (r) => id ?? answerId(r),
  ...(subjects ? { subjects } : {}),
});

/**
 * Saved segments (dynamic definitions and static lists) of customers. Every caller with
 * customers:read sees every segment; members and counts are always limited to the customers the
 * caller may see. Changing a segment is for its creator, a manager of its team, and admins.
 */
@ApiTags('segments')
@Controller('api/v1/segments')
export class SegmentsController {
  constructor(
    private readonly proxy: ApiProxy,
    private readonly raw: RawUpstream,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('customers:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: SegmentView, description: 'The segment was saved' })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async create(@Body() body: CreateSegmentRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/segments',
      body,
      audit: segmentChange('segment.create'),
    });
  }

  @Get()
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: SegmentList, description: 'All saved segments, by name' })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: '/internal/v1/segments' });
  }

  @Post('preview')
  @HttpCode(200)
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: SegmentPreview,
    description: 'How many customers you may see match the definition, and the first page of them',
  })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async preview(
    @Body() body: PreviewSegmentRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/segments/preview',
      body,
      audit: memberRead('segment.preview'),
    });
  }

  @Get(':id')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: SegmentView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/segments/${id}`,
    });
  }

  @Patch(':id')
  @RequireScopes('customers:write')
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version read ("3"); a stale one gets 412. Alternative: version in the body',
  })
  @ApiOkResponse({
    type: SegmentView,
    description: 'The segment after the change (409: a definition sent for a static list)',
  })
  @ApiProblems(400, 401, 403, 404, 409, 412, 422, 429, 502, 504)
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateSegmentRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const version = versionFromIfMatch(request.header('if-match'), body.version);
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PATCH',
      path: `/internal/v1/segments/${id}`,
      body: { ...body, ...(version !== undefined ? { version } : {}) },
      audit: segmentChange('segment.update', id),
    });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('customers:write')
  @ApiNoContentResponse({ description: 'The segment (and a static list’s memberships) deleted; the customers stay' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async delete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'DELETE',
      path: `/internal/v1/segments/${id}`,
      audit: segmentChange('segment.delete', id),
    });
  }

  @Get(':id/count')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: CustomerCountView, description: 'Members you may see' })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async count(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/segments/${id}/count`,
    });
  }

  @Get(':id/members')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: CustomerPage, description: 'Keyset-paged members you may see; PII masked without pii:read' })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async members(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: SegmentMembersQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/segments/${id}/members${toQueryString(query)}`,
      audit: memberRead('segment.members', id),
    });
  }

  @Post(':id/members')
  @HttpCode(200)
  @RequireScopes('customers:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({ type: SegmentMembersAdded, description: 'Static lists only; adding a member twice changes nothing' })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async addMembers(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SegmentMembersRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/segments/${id}/members`,
      body,
      audit: segmentChange('segment.members.add', id, idList('added')),
    });
  }

  @Delete(':id/members')
  @HttpCode(200)
  @RequireScopes('customers:write')
  // Documented: the ids in the body. `?customerIds=a,b` is still read for older clients, but not
  // documented: a thousand ids do not fit in a request line (431), so the body is the one contract.
  @ApiBody({ type: SegmentMembersRequest, required: true })
  @ApiOkResponse({
    type: SegmentMembersRemoved,
    description: 'Static lists only; removing a non-member changes nothing',
  })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async removeMembers(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: RemoveSegmentMembersQuery,
    @Body() body: RemoveSegmentMembersBody,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const customerIds = body?.customerIds ?? query.customerIds;
    if (customerIds === undefined) {
      throw new ProblemException('validation', 'customerIds is required (in the body or as ?customerIds=)', {
        errors: [{ field: 'customerIds', message: 'customerIds is required' }],
      });
    }
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'DELETE',
      path: `/internal/v1/segments/${id}/members`,
      body: { customerIds },
      audit: segmentChange('segment.members.remove', id, idList('removed')),
    });
  }

  @Get(':id/export')
  @RequireScopes('customers:read')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'Streamed CSV (UTF-8 with BOM, the customers export columns) of the members you may see; masked without pii:read',
    schema: { type: 'string' },
  })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async exportCsv(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.raw.stream(request, response, {
      method: 'GET',
      path: `/internal/v1/segments/${id}/export`,
      // Audited with the id of every customer the CSV handed out unmasked.
      audit: { action: 'segment.export', resourceType: 'segment', resourceId: id, change: false },
    });
  }
}
