import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  CreateSegmentRequest,
  PreviewSegmentRequest,
  SegmentMembersQuery,
  SegmentMembersRequest,
  UpdateSegmentRequest,
  type CustomerCountView,
  type CustomerPage,
  type SegmentList,
  type SegmentMembersAdded,
  type SegmentMembersRemoved,
  type SegmentPreview,
  type SegmentView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { toCustomerView } from '../customers/customer.view';
import { CustomerCsvWriter } from '../exports/customer-csv';
import { maySegmentBeChanged } from './segment-access';
import type { SegmentRecord } from './segments.repository';
import { SegmentsService } from './segments.service';

/**
 * Internal API of segments, reached through the gateway only. Members, counts and exports are
 * always limited to the customers the caller may see, and masked as the customer list is.
 */
@Controller('internal/v1/segments')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly csv: CustomerCsvWriter,
  ) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('customers:write')
  async create(
    @Body() body: CreateSegmentRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SegmentView> {
    return withEtag(response, toSegmentView(await this.segments.create(body, caller), caller));
  }

  @Get()
  @CallerScopes('customers:read')
  async list(@Caller() caller: CallerIdentity): Promise<SegmentList> {
    return { items: (await this.segments.list()).map((s) => toSegmentView(s, caller)) };
  }

  @Post('preview')
  @HttpCode(200)
  @CallerScopes('customers:read')
  async preview(@Body() body: PreviewSegmentRequest, @Caller() caller: CallerIdentity): Promise<SegmentPreview> {
    const result = await this.segments.preview(body.definition, body.limit ?? 20, caller);
    return { count: result.count, items: result.items.map((c) => toCustomerView(c, caller)) };
  }

  @Get(':id')
  @CallerScopes('customers:read')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SegmentView> {
    return withEtag(response, toSegmentView(await this.segments.get(id), caller));
  }

  @Patch(':id')
  @CallerScopes('customers:write')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateSegmentRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SegmentView> {
    return withEtag(response, toSegmentView(await this.segments.update(id, body, caller), caller));
  }

  @Delete(':id')
  @HttpCode(204)
  @CallerScopes('customers:write')
  async delete(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<void> {
    await this.segments.delete(id, caller);
  }

  @Get(':id/count')
  @CallerScopes('customers:read')
  async count(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
  ): Promise<CustomerCountView> {
    return { count: await this.segments.count(id, caller) };
  }

  @Get(':id/members')
  @CallerScopes('customers:read')
  async members(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: SegmentMembersQuery,
    @Caller() caller: CallerIdentity,
  ): Promise<CustomerPage> {
    const page = await this.segments.members(id, query, caller);
    return { items: page.items.map((c) => toCustomerView(c, caller)), nextCursor: page.nextCursor };
  }

  @Post(':id/members')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async addMembers(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SegmentMembersRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<SegmentMembersAdded> {
    const outcome = await this.segments.changeMembers(id, body.customerIds, 'add', caller);
    return { added: outcome.changed, alreadyMembers: outcome.unchanged, notFound: outcome.notFound };
  }

  /** The gateway sends the ids in the body whichever way the client gave them. */
  @Delete(':id/members')
  @HttpCode(200)
  @CallerScopes('customers:write')
  async removeMembers(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SegmentMembersRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<SegmentMembersRemoved> {
    const outcome = await this.segments.changeMembers(id, body.customerIds, 'remove', caller);
    return { removed: outcome.changed, notMembers: outcome.unchanged, notFound: outcome.notFound };
  }

  /** Streamed CSV with the customers export's columns; phone and email masked without pii:read. */
  @Get(':id/export')
  @CallerScopes('customers:read')
  async exportCsv(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
    @Res() response: Response,
  ): Promise<void> {
    const nextPage = await this.segments.exportRows(id, caller);
    await this.csv.write(response, `segment-${id}.csv`, caller.scopes.includes('pii:read'), nextPage);
  }
}

function toSegmentView(segment: SegmentRecord, caller: CallerIdentity): SegmentView {
  return {
    id: segment.id,
    name: segment.name,
    description: segment.description,
    kind: segment.kind,
    definition: segment.definition,
    ownerId: segment.ownerId,
    team: segment.team,
    writable: caller.scopes.includes('customers:write') && maySegmentBeChanged(segment, caller),
    createdAt: segment.createdAt.toISOString(),
    updatedAt: segment.updatedAt.toISOString(),
    version: segment.version,
  };
}

function withEtag(response: Response, view: SegmentView): SegmentView {
  response.setHeader('ETag', `"${view.version}"`);
  return view;
}
