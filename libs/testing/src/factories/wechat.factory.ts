import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * WeChat's side of the Official Account protocol, for tests: written here from WeChat's documentation
 * with node:crypto, independently of interaction's own code, so that a test that passes shows interaction
 * reads what WeChat really sends. The demo account is the local stack's default configuration.
 */
export const DEMO_WECHAT = {
  token: 'rapportdemo',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxrapportdemo0001',
  /** The account's original id (ToUserName). */
  account: 'gh_rapportdemo',
} as const;

/** SHA-1 (hex) of the parts sorted as strings and joined: signature and msg_signature. */
export function wechatSign(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The query WeChat puts on a plain-mode callback. */
export function signedQuery(
  token: string = DEMO_WECHAT.token,
  timestamp = String(Math.floor(Date.now() / 1000)),
  nonce = String(Math.floor(Math.random() * 1e9)),
): { signature: string; timestamp: string; nonce: string } {
  return { signature: wechatSign(token, timestamp, nonce), timestamp, nonce };
}

/** Safe mode as WeChat encrypts: AES-256-CBC, IV = key[0..16), PKCS#7 to 32; random16 | len(BE32) | xml | appId. */
export function wechatEncrypt(
  xml: string,
  encodingAesKey: string = DEMO_WECHAT.encodingAesKey,
  appId: string = DEMO_WECHAT.appId,
): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const body = Buffer.from(xml, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString(
    'base64',
  );
}

/** A safe-mode delivery: the envelope's XML and the query WeChat signs it with. */
export function safeModeDelivery(
  xml: string,
  options: { token?: string; encodingAesKey?: string; appId?: string } = {},
): { body: string; query: Record<string, string> } {
  const encrypt = wechatEncrypt(xml, options.encodingAesKey, options.appId);
  const token = options.token ?? DEMO_WECHAT.token;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  return {
    body: `<xml><ToUserName><![CDATA[${DEMO_WECHAT.account}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    query: {
      signature: wechatSign(token, timestamp, nonce),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: wechatSign(token, timestamp, nonce, encrypt),
    },
  };
}

/** A fresh openid, shaped like WeChat's (28 characters). */
export const newOpenid = (): string => `o${randomUUID().replace(/-/g, '').slice(0, 27)}`;

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

export function wechatTextXml(openid: string, content: string, sentAt = new Date(), msgId = randomMsgId()): string {
  return `<xml><ToUserName><![CDATA[${DEMO_WECHAT.account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${seconds(sentAt)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

export function wechatImageXml(openid: string, picUrl: string, sentAt = new Date()): string {
  return `<xml><ToUserName><![CDATA[${DEMO_WECHAT.account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${seconds(sentAt)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[${picUrl}]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>${randomMsgId()}</MsgId></xml>`;
}

export function wechatEventXml(openid: string, event: 'subscribe' | 'unsubscribe', sentAt = new Date()): string {
  return `<xml><ToUserName><![CDATA[${DEMO_WECHAT.account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${seconds(sentAt)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event></xml>`;
}

const randomMsgId = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
