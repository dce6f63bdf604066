import { createHash } from 'node:crypto';
import { DEMO_WECHAT, wechatEncrypt } from '@rapport/testing';
import {
  aesKeyOf,
  decryptMessage,
  encryptMessage,
  signatureMatches,
  wechatSignature,
  WechatDecryptError,
} from './wechat-crypto';

describe('WeChat signatures', () => {
  it('is SHA-1 over the lexicographically sorted token, timestamp and nonce', () => {
    // sorted: "1409304348" < "xxxxxx" < "zzz" (digits before letters)
    const expected = createHash('sha1').update('1409304348xxxxxxzzz').digest('hex');
    expect(wechatSignature('zzz', '1409304348', 'xxxxxx')).toBe(expected);
  });

  it('accepts the signature in either case and refuses another token, a changed nonce or no signature', () => {
    const sut = wechatSignature('token', '1700000000', '42');
    expect(signatureMatches(sut, 'token', '1700000000', '42')).toBe(true);
    expect(signatureMatches(sut.toUpperCase(), 'token', '1700000000', '42')).toBe(true);
    expect(signatureMatches(sut, 'other', '1700000000', '42')).toBe(false);
    expect(signatureMatches(sut, 'token', '1700000000', '43')).toBe(false);
    expect(signatureMatches(undefined, 'token', '1700000000', '42')).toBe(false);
    expect(signatureMatches('not-hex', 'token', '1700000000', '42')).toBe(false);
  });
});

describe('WeChat safe mode', () => {
  const xml = '<xml><Content><![CDATA[你好，想问一下礼盒]]></Content></xml>';

  it('decrypts what WeChat encrypts (encrypted by the test, independently, as WeChat documents it)', () => {
    const encrypted = wechatEncrypt(xml, DEMO_WECHAT.encodingAesKey, DEMO_WECHAT.appId);
    expect(decryptMessage(encrypted, DEMO_WECHAT.encodingAesKey, DEMO_WECHAT.appId)).toBe(xml);
  });

  it('pads to 32-byte blocks, so a plaintext of exactly 32 bytes gets a whole block of padding', () => {
    // 16 random + 4 length + 4 xml + 8 appId = 32 bytes
    const encrypted = encryptMessage('<a/>', DEMO_WECHAT.encodingAesKey, 'wx123456');
    expect(Buffer.from(encrypted, 'base64')).toHaveLength(64);
    expect(decryptMessage(encrypted, DEMO_WECHAT.encodingAesKey, 'wx123456')).toBe('<a/>');
  });

  it('refuses a message for another AppID', () => {
    const encrypted = wechatEncrypt(xml, DEMO_WECHAT.encodingAesKey, 'wxsomeoneelse');
    expect(() => decryptMessage(encrypted, DEMO_WECHAT.encodingAesKey, DEMO_WECHAT.appId)).toThrow(
      new WechatDecryptError('Encrypt is for another AppID'),
    );
  });

  it('refuses what another key encrypted, and what is not base64 ciphertext at all', () => {
    const encrypted = wechatEncrypt(xml, 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut', DEMO_WECHAT.appId);
    expect(() => decryptMessage(encrypted, DEMO_WECHAT.encodingAesKey, DEMO_WECHAT.appId)).toThrow(WechatDecryptError);
    expect(() => decryptMessage('bm90IGNpcGhlcg==', DEMO_WECHAT.encodingAesKey, DEMO_WECHAT.appId)).toThrow(
      WechatDecryptError,
    );
  });

  it('takes the key as base64 of the 43-character EncodingAESKey plus "="', () => {
    expect(aesKeyOf(DEMO_WECHAT.encodingAesKey)).toEqual(Buffer.from(`${DEMO_WECHAT.encodingAesKey}=`, 'base64'));
    expect(() => aesKeyOf('short')).toThrow('an EncodingAESKey is 43 base64 characters');
  });
});
