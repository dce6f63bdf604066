import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's server signature and its safe mode ("安全模式"), written with node:crypto: npm has no
 * well-kept library for this scheme (the packages that implement it are unmaintained wrappers of a
 * few lines), and the scheme is small enough to state exactly here.
 *
 * Signature: SHA-1 (hex) over the strings (token, timestamp, nonce[, Encrypt]) sorted and joined.
 * Safe mode: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7
 * padding to 32-byte blocks; plaintext = 16 random bytes, the XML's length (4 bytes, big-endian), the
 * XML, the AppID.
 */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Whether `given` is the signature of `parts`, compared in constant time. */
export function signatureMatches(given: string | undefined, ...parts: string[]): boolean {
  if (!given || !/^[0-9a-f]{40}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(wechatSignature(...parts), 'hex'));
}

const BLOCK = 32;

/** The AES key of an EncodingAESKey (43 characters of base64 without its padding). */
export function aesKeyOf(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) throw new Error('an EncodingAESKey is 43 base64 characters');
  return key;
}

export class WechatDecryptError extends Error {}

/** The XML inside an Encrypt element; refuses what does not decrypt, is badly padded or is for another AppID. */
export function decryptMessage(encrypted: string, encodingAesKey: string, appId: string): string {
  const key = aesKeyOf(encodingAesKey);
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  } catch {
    throw new WechatDecryptError('Encrypt does not decrypt with the EncodingAESKey');
  }
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || padded.length < 20 + pad)
    throw new WechatDecryptError('Encrypt is not padded as WeChat pads');
  const plain = padded.subarray(0, padded.length - pad);
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new WechatDecryptError('Encrypt holds a wrong message length');
  const xml = plain.subarray(20, 20 + length).toString('utf8');
  const receivedAppId = plain.subarray(20 + length).toString('utf8');
  if (receivedAppId !== appId) throw new WechatDecryptError('Encrypt is for another AppID');
  return xml;
}

/** What WeChat sends in safe mode (also used for passive replies, and by the tests to play WeChat). */
export function encryptMessage(xml: string, encodingAesKey: string, appId: string, random = randomBytes(16)): string {
  const key = aesKeyOf(encodingAesKey);
  const body = Buffer.from(xml, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString(
    'base64',
  );
}
