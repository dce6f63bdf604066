import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { ProblemException } from '@rapport/platform-http';
import { PublicRoute } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { relay } from '../upstream/relay-response';
import { UpstreamClient, type UpstreamResponse } from '../upstream/upstream.client';

/** WeChat's messages are small (a text is at most 2048 bytes); anything much larger is not WeChat. */
const MAX_XML_BYTES = 64 * 1024;
const XML_TYPES = ['text/xml', 'application/xml', 'text/plain'];

/**
 * The server URL of the WeChat Official Account (公众号 → 基本配置 → 服务器配置). Public: WeChat has no
 * account here; its signature with the account's token is the authority, which interaction checks (403
 * when wrong). WeChat reads plain bodies: the echostr on the URL check, "success" for a message. Errors
 * stay problem+json, as everywhere. Left out of the OpenAPI document (it is WeChat's protocol, not the
 * API's). The XML goes to interaction inside JSON, the one format between the services.
 */
@Controller('api/v1/channels/wechat/callback')
export class WechatCallbackController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Get()
  @PublicRoute()
  @ApiExcludeEndpoint()
  async verify(@Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.call('GET', request);
    if (answer.status !== 200) return relay(response, answer);
    response
      .status(200)
      .type('text/plain')
      .send((answer.body as { echostr: string }).echostr);
  }

  @Post()
  @HttpCode(200)
  @PublicRoute()
  @ApiExcludeEndpoint()
  async receive(@Req() request: Request, @Res() response: Response): Promise<void> {
    const mediaType = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!XML_TYPES.includes(mediaType))
      throw new ProblemException('unsupportedMediaType', 'WeChat posts its messages as text/xml');
    const xml = await readText(request);
    const answer = await this.call('POST', request, { xml });
    if (answer.status !== 200) return relay(response, answer);
    response
      .status(200)
      .type('text/plain')
      .send((answer.body as { reply: string }).reply);
  }

  private call(method: 'GET' | 'POST', request: Request, body?: unknown): Promise<UpstreamResponse> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query)) if (typeof value === 'string') query.set(name, value);
    return this.upstream.call('interaction', method, `/internal/v1/channels/wechat/callback?${query}`, {
      // no caller: the service's route is public too; this identity only names who forwarded it
      identity: { sub: 'wechat-callback', roles: [], scopes: [] },
      ...(request.requestId ? { requestId: request.requestId } : {}),
      ...(body === undefined ? {} : { body }),
    });
  }
}

/** The raw body (no JSON parser takes XML), refused beyond MAX_XML_BYTES. */
async function readText(request: Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_XML_BYTES)
      throw new ProblemException('payloadTooLarge', `A WeChat message is at most ${MAX_XML_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
