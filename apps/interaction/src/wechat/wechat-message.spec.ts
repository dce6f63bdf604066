import { newOpenid, wechatEventXml, wechatImageXml, wechatTextXml } from '@rapport/testing';
import { encryptedPart, parseWechatMessage, WechatMessageError } from './wechat-message';

describe(parseWechatMessage.name, () => {
  const openid = newOpenid();
  const at = new Date('2026-12-04T08:00:00Z');

  it('reads a text message: sender, time, content and MsgId (kept as strings)', () => {
    const sut = parseWechatMessage(wechatTextXml(openid, '你好 <b>&amp;', at, '23456789012345678901'));
    expect(sut).toEqual({
      to: 'gh_rapportdemo',
      openid,
      sentAt: at,
      kind: 'text',
      content: '你好 <b>&amp;',
      key: 'msg:23456789012345678901',
    });
  });

  it('reads an image, a subscribe and an unsubscribe event; events are keyed by sender, time and event', () => {
    expect(parseWechatMessage(wechatImageXml(openid, 'http://mmbiz.qpic.cn/x.jpg', at))).toMatchObject({
      kind: 'image',
      content: 'http://mmbiz.qpic.cn/x.jpg',
    });
    expect(parseWechatMessage(wechatEventXml(openid, 'subscribe', at))).toMatchObject({
      kind: 'subscribe',
      content: null,
      key: `event:${openid}:${at.getTime() / 1000}:subscribe`,
    });
    expect(parseWechatMessage(wechatEventXml(openid, 'unsubscribe', at)).kind).toBe('unsubscribe');
  });

  it('takes other types (a voice message, a menu click) as nothing to keep', () => {
    const voice = wechatTextXml(openid, 'x', at).replace('<![CDATA[text]]>', '<![CDATA[voice]]>');
    expect(parseWechatMessage(voice).kind).toBeNull();
    const click = wechatEventXml(openid, 'subscribe', at).replace('subscribe', 'CLICK');
    expect(parseWechatMessage(click).kind).toBeNull();
  });

  it.each([
    ['an empty body', '', 'body'],
    ['text that is not XML', 'hello', 'body'],
    ['unclosed XML', '<xml><FromUserName>x</xml>', 'body'],
    ['another root', '<message/>', 'body'],
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE xml [<!ENTITY a "b">]><xml/>', 'body'],
    ['no sender', wechatTextXml('x', 'hi').replace(/<FromUserName>.*<\/FromUserName>/, ''), 'FromUserName'],
    [
      'a time that is not Unix seconds',
      wechatTextXml('x', 'hi').replace(/<CreateTime>\d+/, '<CreateTime>soon'),
      'CreateTime',
    ],
    ['a text without content', wechatTextXml('x', 'hi').replace(/<Content>.*<\/Content>/, ''), 'Content'],
    ['an element where text belongs', wechatTextXml('x', 'hi').replace('<![CDATA[text]]>', '<a>1</a>'), 'MsgType'],
  ])('refuses %s, naming the field', (_case, xml, field) => {
    expect(() => parseWechatMessage(xml)).toThrow(WechatMessageError);
    try {
      parseWechatMessage(xml);
    } catch (error) {
      expect((error as WechatMessageError).field).toBe(field);
    }
  });

  it('finds the Encrypt element of a safe-mode envelope', () => {
    expect(encryptedPart('<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>')).toBe('abc+/=');
    expect(() => encryptedPart('<xml><ToUserName>gh</ToUserName></xml>')).toThrow('<Encrypt> is missing');
  });
});
