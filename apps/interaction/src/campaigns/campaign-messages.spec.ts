import {
  addressError,
  isSmsOptOut,
  messageIdOf,
  render,
  SMS_OPT_OUT,
  smsText,
  templateError,
} from './campaign-messages';
import { Pacer } from './campaigns.sender';

describe('campaign messages', () => {
  it('renders Mustache templates as text, without HTML escaping', () => {
    expect(render('{{name}}, <b>20 %</b> off & more', { name: '李伟 & Co' })).toBe('李伟 & Co, <b>20 %</b> off & more');
    expect(render('Hello {{missing}}!', {})).toBe('Hello !');
  });

  it('names a template that does not parse', () => {
    expect(templateError('Hello {{name')).toMatch(/Unclosed tag/);
    expect(templateError('Hello {{name}}')).toBeUndefined();
  });

  it('ends every marketing SMS with the opt-out text, once; service SMS go as written', () => {
    expect(smsText('Sale today', 'marketing')).toBe(`Sale today ${SMS_OPT_OUT}`);
    expect(smsText(`Sale today ${SMS_OPT_OUT}`, 'marketing')).toBe(`Sale today ${SMS_OPT_OUT}`);
    expect(smsText('Your parcel left', 'service')).toBe('Your parcel left');
  });

  it('takes T and TD, any case and blanks, as an opt-out and nothing else', () => {
    for (const yes of ['T', 't', ' TD ', 'td']) expect(isSmsOptOut(yes)).toBe(true);
    for (const no of ['', 'TT', 'STOP', 'T please', 'TDX']) expect(isSmsOptOut(no)).toBe(false);
  });

  it('gives one Message-ID per campaign and recipient, the same every time', () => {
    expect(messageIdOf('c1', 'u1')).toBe(messageIdOf('c1', 'u1'));
    expect(messageIdOf('c1', 'u1')).not.toBe(messageIdOf('c1', 'u2'));
    expect(messageIdOf('c1', 'u1')).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
  });

  it('checks addresses by channel', () => {
    expect(addressError('email', 'li.wei@example.com')).toBeUndefined();
    expect(addressError('email', 'li.wei')).toBeDefined();
    expect(addressError('sms', '+8613800138000')).toBeUndefined();
    expect(addressError('sms', '13800138000')).toBeDefined();
  });
});

describe(Pacer.name, () => {
  it('hands out slots 1/rate apart, so n messages take (n-1)/rate seconds however fast they ask', () => {
    let now = 1_000;
    const sut = new Pacer(300, () => now);
    const waits = Array.from({ length: 301 }, () => sut.take());
    // all asked at the same instant: the 301st waits exactly one second
    expect(waits[0]).toBe(0);
    expect(waits[300]).toBeCloseTo(1_000, 6);
    now += 5_000;
    // after an idle stretch, no burst to catch up: the next slot is now, the one after 1/rate later
    expect(sut.take()).toBe(0);
    expect(sut.take()).toBeCloseTo(1_000 / 300, 6);
  });
});
