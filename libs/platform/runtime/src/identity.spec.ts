import { SignJWT } from 'jose';
import { IdentitySigner, IdentityVerifier, signIdentity, verifyIdentity, type CallerIdentity } from './identity';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const alice: CallerIdentity = { sub: 'alice', roles: ['agent'], scopes: ['customers:read'], team: 'north' };

describe(IdentitySigner.name, () => {
  it('hands out the same token for one caller within half its lifetime, and a fresh one after', async () => {
    let now = Date.now();
    const sut = new IdentitySigner(SECRET, 60, 100, () => now);
    const first = await sut.sign(alice);
    expect(await sut.sign({ ...alice, roles: ['agent'] })).toBe(first);
    expect(await verifyIdentity(first, SECRET)).toEqual(alice);
    now += 29_999;
    expect(await sut.sign(alice)).toBe(first);
    now += 1;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // iat has a resolution of one second
    expect(await sut.sign(alice)).not.toBe(first);
  });

  it('signs another caller, or the same caller with other scopes, with its own token', async () => {
    const sut = new IdentitySigner(SECRET);
    const token = await sut.sign(alice);
    const bob = await sut.sign({ ...alice, sub: 'bob' });
    const wider = await sut.sign({ ...alice, scopes: ['customers:read', 'pii:read'] });
    expect(new Set([token, bob, wider]).size).toBe(3);
    expect((await verifyIdentity(bob, SECRET)).sub).toBe('bob');
    expect((await verifyIdentity(wider, SECRET)).scopes).toEqual(['customers:read', 'pii:read']);
  });
});

describe(IdentityVerifier.name, () => {
  it('verifies a token, then answers it from memory with a copy each caller may not share', async () => {
    const sut = new IdentityVerifier(SECRET);
    const token = await signIdentity(alice, SECRET);
    const first = await sut.verify(token);
    expect(first).toEqual(alice);
    first.scopes.push('pii:read');
    expect(await sut.verify(token)).toEqual(alice);
  });

  it('refuses a token signed with another secret, a tampered one and an expired one', async () => {
    const sut = new IdentityVerifier(SECRET);
    await expect(sut.verify(await signIdentity(alice, `${SECRET}-other`))).rejects.toThrow();
    const token = await signIdentity(alice, SECRET);
    await sut.verify(token);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'alice', scopes: ['pii:read'] })).toString('base64url');
    await expect(sut.verify(`${header}.${forged}.${signature}`)).rejects.toThrow();
    const expired = await new SignJWT({ roles: alice.roles, scopes: alice.scopes })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('alice')
      .setIssuer('rapport-gateway')
      .setAudience('rapport-services')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    await expect(sut.verify(expired)).rejects.toThrow(/exp/);
  });
});
