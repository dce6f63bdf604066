import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The messages and events the channel takes; anything else is acknowledged and dropped. */
export const WECHAT_MESSAGE_KINDS = ['text', 'image', 'subscribe', 'unsubscribe'] as const;
export type WechatMessageKind = (typeof WECHAT_MESSAGE_KINDS)[number];

export interface WechatMessage {
  /** The Official Account's id (ToUserName). */
  to: string;
  /** The sender's openid (FromUserName). */
  openid: string;
  sentAt: Date;
  /** null: a type the channel does not take (voice, location, menu clicks…). */
  kind: WechatMessageKind | null;
  /** The text, or the picture's URL; null for events. */
  content: string | null;
  /**
   * What makes the delivery unique: MsgId for messages, sender + CreateTime + event for events.
   * WeChat retries a delivery up to three times when no answer comes within 5 s.
   */
  key: string;
}

export class WechatMessageError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

// Values stay strings (an openid or MsgId is never a number); no entity expansion beyond XML's own.
const parser = new XMLParser({ parseTagValue: false, processEntities: true, htmlEntities: false, trimValues: true });

function parseXml(xml: string): Record<string, unknown> {
  if (xml.trim().length === 0) throw new WechatMessageError('The body is empty: WeChat sends an XML message', 'body');
  if (/<!DOCTYPE/i.test(xml)) throw new WechatMessageError('A WeChat message has no DOCTYPE', 'body');
  if (XMLValidator.validate(xml) !== true) throw new WechatMessageError('The body is not well-formed XML', 'body');
  const doc = parser.parse(xml) as Record<string, unknown>;
  const root = doc['xml'];
  if (!root || typeof root !== 'object') throw new WechatMessageError('A WeChat message is an <xml> element', 'body');
  return root as Record<string, unknown>;
}

function text(root: Record<string, unknown>, name: string, required: true): string;
function text(root: Record<string, unknown>, name: string, required: false): string | undefined;
function text(root: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = root[name];
  if (typeof value === 'string' && value.length > 0) return value;
  if (value === undefined || value === '') {
    if (required) throw new WechatMessageError(`<${name}> is missing`, name);
    return undefined;
  }
  throw new WechatMessageError(`<${name}> must be text`, name);
}

/** The Encrypt element of a safe-mode envelope. */
export function encryptedPart(xml: string): string {
  return text(parseXml(xml), 'Encrypt', true);
}

/** A plain (or decrypted) message or event. */
export function parseWechatMessage(xml: string): WechatMessage {
  const root = parseXml(xml);
  const to = text(root, 'ToUserName', true);
  const openid = text(root, 'FromUserName', true);
  if (openid.length > 128) throw new WechatMessageError('<FromUserName> is too long for an openid', 'FromUserName');
  const createTime = text(root, 'CreateTime', true);
  if (!/^\d{1,12}$/.test(createTime)) throw new WechatMessageError('<CreateTime> must be Unix seconds', 'CreateTime');
  const sentAt = new Date(Number(createTime) * 1000);
  const msgType = text(root, 'MsgType', true);
  const base = { to, openid, sentAt };
  if (msgType === 'event') {
    const event = text(root, 'Event', true);
    const kind = event === 'subscribe' || event === 'unsubscribe' ? event : null;
    return { ...base, kind, content: null, key: `event:${openid}:${createTime}:${event}` };
  }
  const msgId = text(root, 'MsgId', false) ?? `${openid}:${createTime}`;
  if (msgType === 'text') return { ...base, kind: 'text', content: text(root, 'Content', true), key: `msg:${msgId}` };
  if (msgType === 'image') return { ...base, kind: 'image', content: text(root, 'PicUrl', true), key: `msg:${msgId}` };
  return { ...base, kind: null, content: null, key: `msg:${msgId}` };
}
