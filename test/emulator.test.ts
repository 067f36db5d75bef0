import { spawn } from 'node:child_process';
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { DinteroEmulator, MAX_REQUEST_BODY_BYTES, type AccessTokenTamper, type MfaCodeMessage } from '../lib/testing/index.js';
import {
  basic,
  call,
  checkSignature,
  clientBearer,
  decode,
  fetchJwks,
  login,
  type CallResult,
  type Json,
} from './support/emulator-http.js';

const ADA = { email: 'ada@example.com', phone: '+4790000001', password: 'correct horse', claims: { ext_tier: 'gold' } };

function errorOf(result: CallResult): Json {
  expect(result.headers.get('content-type')).to.equal('application/json');
  expect(result.json, result.text).to.be.an('object').with.property('error');
  return result.json?.['error'] as Json;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('DinteroEmulator', () => {
  describe('lifecycle', () => {
    it('throws on baseUrl and audience before start, and stop() is safe before start and twice', async () => {
      const emu = new DinteroEmulator();
      expect(() => emu.baseUrl).to.throw(/not started/);
      expect(() => emu.audience).to.throw(/not started/);
      await emu.stop();
      await emu.stop();
      await expectRejects(emu.start(), /cannot start again/);
    });

    it('listens on 127.0.0.1 with defaults and a computed audience', async () => {
      const emu = new DinteroEmulator();
      const baseUrl = await emu.start();
      try {
        expect(baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(emu.baseUrl).to.equal(baseUrl);
        expect(emu.accountId).to.equal('T12345678');
        expect(emu.clientId).to.equal('emulator-client');
        expect(emu.clientSecret).to.equal('emulator-secret');
        expect(emu.audience).to.equal(`${baseUrl}/v1/accounts/T12345678`);
        expect(emu.issuer).to.equal('https://T12345678@api.dintero.com');
        expect(await emu.start()).to.equal(baseUrl);
      } finally {
        await emu.stop();
        await emu.stop();
      }
    });

    it('validates options', () => {
      expect(() => new DinteroEmulator({ accountId: 'X1' })).to.throw(TypeError, /accountId/);
      expect(() => new DinteroEmulator({ accessTokenTtl: 0 })).to.throw(TypeError, /accessTokenTtl/);
      expect(() => new DinteroEmulator({ port: 70000 })).to.throw(TypeError, /port/);
    });
  });

  describe('client token', () => {
    const emu = new DinteroEmulator({ users: [ADA] });
    before(() => emu.start());
    after(() => emu.stop());

    it('issues an RS256 client token for Basic client credentials', async () => {
      const result = await call(emu, 'auth/token', {
        authorization: basic(emu.clientId, emu.clientSecret),
        body: { grant_type: 'client_credentials', audience: emu.audience },
      });
      expect(result.status).to.equal(200);
      expect(result.headers.get('content-type')).to.equal('application/json');
      expect(result.json).to.include({ token_type: 'Bearer', expires_in: 14400 });
      const { header, payload } = decode(result.json?.['access_token'] as string);
      expect(header).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: emu.currentKid });
      expect(payload).to.include({ sub: emu.clientId, aud: emu.audience, iss: emu.issuer });
      expect(payload['scopes']).to.deep.equal(['write:accounts:/auth/users', 'read:accounts', 'create:accounts:auth:refresh_token', 'create:customers:/users']);
      expect(payload['exp'] - payload['iat']).to.equal(14400);
      expect(checkSignature(result.json?.['access_token'] as string, await fetchJwks(emu))).to.equal('valid');
    });

    it('answers 401 for a wrong secret, an unknown client, or no Basic auth', async () => {
      const body = { grant_type: 'client_credentials', audience: emu.audience };
      for (const authorization of [basic(emu.clientId, 'wrong'), basic('other', emu.clientSecret), undefined, 'Basic !!!']) {
        const result = await call(emu, 'auth/token', { body, ...(authorization ? { authorization } : {}) });
        expect(result.status, String(authorization)).to.equal(401);
        expect(errorOf(result)['code']).to.equal('unauthorized');
      }
    });

    it('answers 400 for a wrong audience, a missing or unknown grant_type', async () => {
      const authorization = basic(emu.clientId, emu.clientSecret);
      const wrongAudience = await call(emu, 'auth/token', {
        authorization,
        body: { grant_type: 'client_credentials', audience: 'https://api.dintero.com/v1/accounts/T12345678' },
      });
      expect(wrongAudience.status).to.equal(400);
      expect(errorOf(wrongAudience)['errors']).to.deep.equal([{ field: 'audience', message: 'is not an audience of this client' }]);
      const noGrant = await call(emu, 'auth/token', { authorization, body: { audience: emu.audience } });
      expect(noGrant.status).to.equal(400);
      const password = await call(emu, 'auth/token', { authorization, body: { grant_type: 'password', audience: emu.audience } });
      expect(password.status).to.equal(400);
      expect(errorOf(password)['code']).to.equal('unsupported_grant_type');
    });

    it('does not take a customer access token or a forged token as a client token', async () => {
      const customer = await login(emu, { email: ADA.email, password: ADA.password });
      const asClient = await login(emu, { email: ADA.email, password: ADA.password }, `Bearer ${customer.json?.['access_token']}`);
      expect(asClient.status).to.equal(401);
      const claims = decode((await clientBearer(emu)).slice(7)).payload;
      for (const forged of [
        emu.signToken(claims, { alg: 'none' }),
        emu.signToken(claims, { alg: 'HS256' }),
        emu.signToken(claims, { key: 'foreign' }),
        emu.signToken({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 }),
      ]) {
        const result = await login(emu, { email: ADA.email, password: ADA.password }, `Bearer ${forged}`);
        expect(result.status).to.equal(401);
      }
      const genuine = await login(emu, { email: ADA.email, password: ADA.password }, `Bearer ${emu.signToken(claims)}`);
      expect(genuine.status).to.equal(200);
    });
  });

  describe('customer login', () => {
    const emu = new DinteroEmulator({ users: [ADA, { email: 'bob@example.com', password: 'bobs pass', type: 'company', id: 'bob-1' }] });
    before(() => emu.start());
    after(() => emu.stop());

    it('logs in by email (case-insensitive) with the documented response and claims', async () => {
      const result = await login(emu, { email: 'ADA@example.com', password: ADA.password });
      expect(result.status).to.equal(200);
      expect(result.json).to.include({ token_type: 'Bearer', expires_in: 86400 });
      expect(result.json?.['refresh_token']).to.be.a('string').with.length.greaterThan(20);
      const { header, payload } = decode(result.json?.['access_token'] as string);
      expect(header).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: emu.currentKid });
      expect(payload).to.include({
        iss: emu.issuer,
        aud: emu.audience,
        email: ADA.email,
        phone_number: ADA.phone,
        type: 'customer',
        ext_tier: 'gold',
      });
      expect(payload['sub']).to.be.a('string').that.matches(/^[0-9a-f-]{36}$/);
      expect(payload['exp'] - payload['iat']).to.equal(86400);
      expect(payload).not.to.have.property('nbf');
      expect(checkSignature(result.json?.['access_token'] as string, await fetchJwks(emu))).to.equal('valid');
    });

    it('logs in by ident_type email and by ident_type phone_number to the same user', async () => {
      const byEmail = await login(emu, { ident_type: 'email', ident: ADA.email, password: ADA.password });
      const byPhone = await login(emu, { ident_type: 'phone_number', ident: ADA.phone, password: ADA.password });
      expect(byEmail.status).to.equal(200);
      expect(byPhone.status).to.equal(200);
      expect(decode(byPhone.json?.['access_token'] as string).payload['sub']).to.equal(
        decode(byEmail.json?.['access_token'] as string).payload['sub'],
      );
    });

    it('keeps types apart: a company logs in as company only, with its given id', async () => {
      const asCompany = await login(emu, { email: 'bob@example.com', password: 'bobs pass', type: 'company' });
      expect(asCompany.status).to.equal(200);
      expect(decode(asCompany.json?.['access_token'] as string).payload).to.include({ sub: 'bob-1', type: 'company' });
      const asCustomer = await login(emu, { email: 'bob@example.com', password: 'bobs pass', type: 'customer' });
      expect(asCustomer.status).to.equal(404);
    });

    it('answers 404 for an unknown user and 401 for a wrong password', async () => {
      const unknown = await login(emu, { email: 'nobody@example.com', password: ADA.password });
      expect(unknown.status).to.equal(404);
      expect(unknown.json).to.deep.equal({ error: { code: 'NOT FOUND', message: 'Customer not found' } });
      const wrong = await login(emu, { email: ADA.email, password: 'wrong horse' });
      expect(wrong.status).to.equal(401);
      expect(wrong.json).to.deep.equal({ error: { code: 'unauthorized', message: 'Invalid credentials' } });
    });

    it('answers 400 with an errors array for invalid bodies', async () => {
      const cases: Array<[Json, string]> = [
        [{ audience: undefined, email: ADA.email, password: ADA.password }, 'audience'],
        [{ audience: 'https://api.dintero.com/v1/accounts/T12345678', email: ADA.email, password: ADA.password }, 'audience'],
        [{ type: 'admin', email: ADA.email, password: ADA.password }, 'type'],
        [{ type: undefined, email: ADA.email, password: ADA.password }, 'type'],
        [{ email: ADA.email, password: 'abc' }, 'password'],
        [{ email: ADA.email, password: 'a'.repeat(256) }, 'password'],
        [{ email: ADA.email }, 'password'],
        [{ password: ADA.password }, 'email'],
        [{ email: 'not-an-email', password: ADA.password }, 'email'],
        [{ ident_type: 'username', ident: 'ada', password: ADA.password }, 'ident_type'],
        [{ ident_type: 'phone_number', password: ADA.password }, 'ident'],
        [{ ident_type: 'phone_number', ident: '90000001', password: ADA.password }, 'ident'],
      ];
      const authorization = await clientBearer(emu);
      for (const [body, field] of cases) {
        const result = await login(emu, body, authorization);
        expect(result.status, JSON.stringify(body)).to.equal(400);
        const error = errorOf(result);
        expect(error['code']).to.equal('bad_request');
        expect(error['errors'], JSON.stringify(body)).to.be.an('array').that.satisfies((errors: Json[]) =>
          errors.some((e) => e['field'] === field),
        );
      }
      // the boundaries themselves are fine
      const user = emu.addUser({ email: 'four@example.com', password: 'abcd' });
      expect((await login(emu, { email: 'four@example.com', password: 'abcd' }, authorization)).status).to.equal(200);
      emu.setPassword(user.id, 'b'.repeat(255));
      expect((await login(emu, { email: 'four@example.com', password: 'b'.repeat(255) }, authorization)).status).to.equal(200);
    });

    it('answers 400 for malformed JSON and non-object bodies, 413 past 64 KB, 415 for non-JSON', async () => {
      const authorization = await clientBearer(emu);
      const malformed = await call(emu, 'customers/login', { authorization, body: '{"email":' });
      expect(malformed.status).to.equal(400);
      expect(errorOf(malformed)['message']).to.match(/Malformed JSON/);
      expect((await call(emu, 'customers/login', { authorization, body: '[1,2]' })).status).to.equal(400);
      expect((await call(emu, 'customers/login', { authorization, body: 'null' })).status).to.equal(400);
      const huge = await call(emu, 'customers/login', {
        authorization,
        body: { email: ADA.email, password: ADA.password, pad: 'x'.repeat(MAX_REQUEST_BODY_BYTES) },
      });
      expect(huge.status).to.equal(413);
      expect(errorOf(huge)['code']).to.equal('payload_too_large');
      const form = await call(emu, 'customers/login', {
        authorization,
        body: 'email=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).to.equal(415);
    });

    it('answers 401 without a client token', async () => {
      const result = await call(emu, 'customers/login', { body: { audience: emu.audience, type: 'customer', email: ADA.email, password: ADA.password } });
      expect(result.status).to.equal(401);
      expect(errorOf(result)['code']).to.equal('unauthorized');
    });

    it('answers 404 in the error shape for unknown paths and other accounts, 405 for a wrong method', async () => {
      const unknown = await call(emu, '/v1/accounts/T12345678/nope');
      expect(unknown.status).to.equal(404);
      expect(errorOf(unknown)['code']).to.equal('NOT FOUND');
      const otherAccount = await call(emu, '/v1/accounts/T87654321/customers/login', { body: {} });
      expect(otherAccount.status).to.equal(404);
      expect(errorOf(otherAccount)).to.deep.equal({ code: 'NOT FOUND', message: 'Account not found' });
      const get = await call(emu, 'customers/login');
      expect(get.status).to.equal(405);
      expect(get.headers.get('allow')).to.equal('POST');
    });

    it('setPassword changes the password by email', async () => {
      emu.addUser({ email: 'carol@example.com', password: 'old password' });
      emu.setPassword('carol@example.com', 'new password');
      expect((await login(emu, { email: 'carol@example.com', password: 'old password' })).status).to.equal(401);
      expect((await login(emu, { email: 'carol@example.com', password: 'new password' })).status).to.equal(200);
      expect(() => emu.setPassword('nobody@example.com', 'x')).to.throw(/no user/);
    });

    it('addUser validates and refuses duplicates', () => {
      expect(() => emu.addUser({ password: 'abcd' })).to.throw(TypeError, /email or phone/);
      expect(() => emu.addUser({ phone: '99999999', password: 'abcd' })).to.throw(TypeError, /E\.164/);
      expect(() => emu.addUser({ email: 'ADA@example.com', password: 'abcd' })).to.throw(/already exists/);
      const user = emu.addUser({ email: ADA.email, password: 'abcd', type: 'company' });
      expect(user).to.include({ email: ADA.email, type: 'company', mfa: false });
      expect(user).not.to.have.property('password');
      expect(user).not.to.have.property('passwordHash');
    });
  });

  describe('client scopes', () => {
    it('issues no refresh token without create:accounts:auth:refresh_token', async () => {
      const emu = new DinteroEmulator({ users: [ADA], clientScopes: ['write:accounts:/auth/users'] });
      await emu.start();
      try {
        const result = await login(emu, { email: ADA.email, password: ADA.password });
        expect(result.status).to.equal(200);
        expect(result.json).not.to.have.property('refresh_token');
        const keys = await call(emu, 'auth/keys', { authorization: await clientBearer(emu) });
        expect(keys.status).to.equal(403);
        expect(errorOf(keys)['code']).to.equal('forbidden');
      } finally {
        await emu.stop();
      }
    });

    it('answers 403 on login without a login scope', async () => {
      const emu = new DinteroEmulator({ users: [ADA], clientScopes: ['read:accounts'] });
      await emu.start();
      try {
        const result = await login(emu, { email: ADA.email, password: ADA.password });
        expect(result.status).to.equal(403);
      } finally {
        await emu.stop();
      }
    });
  });

  describe('signing keys', () => {
    const emu = new DinteroEmulator({ users: [ADA] });
    before(() => emu.start());
    after(() => emu.stop());

    it('serves a bare JSON array of RS256 JWKs that verify issued tokens with node:crypto', async () => {
      const result = await call(emu, 'auth/keys', { authorization: await clientBearer(emu) });
      expect(result.status).to.equal(200);
      expect(result.headers.get('content-type')).to.equal('application/json');
      expect(result.json).to.be.an('array').with.length(1);
      const jwk = (result.json as unknown as Json[])[0] as Json;
      expect(Object.keys(jwk).sort()).to.deep.equal(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(jwk).to.include({ alg: 'RS256', kty: 'RSA', use: 'sig', e: 'AQAB', kid: emu.currentKid });
      expect(jwk['n']).to.match(/^[A-Za-z0-9_-]{340,}$/);
      const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      expect(pem).to.equal(emu.publicKeyPem());

      const token = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['access_token'] as string;
      expect(checkSignature(token, [jwk])).to.equal('valid');
      const [h, p, s] = token.split('.');
      const flipped = `${h}.${p}.${(s as string).startsWith('A') ? 'B' : 'A'}${(s as string).slice(1)}`;
      expect(checkSignature(flipped, [jwk])).to.equal('bad signature');
    });

    it('answers 401 without a client token', async () => {
      expect((await call(emu, 'auth/keys')).status).to.equal(401);
    });

    it('rotates keys: new tokens use the new kid, the old key stays served by default', async () => {
      const oldKid = emu.currentKid;
      const oldToken = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['access_token'] as string;
      const newKid = emu.rotateKeys();
      expect(newKid).not.to.equal(oldKid);
      expect(emu.currentKid).to.equal(newKid);
      expect(emu.kids).to.deep.equal([newKid, oldKid]);
      const jwks = await fetchJwks(emu);
      expect(jwks.map((k) => k['kid'])).to.deep.equal([newKid, oldKid]);
      const newToken = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['access_token'] as string;
      expect(decode(newToken).header['kid']).to.equal(newKid);
      expect(checkSignature(newToken, jwks)).to.equal('valid');
      expect(checkSignature(oldToken, jwks)).to.equal('valid');
      expect(emu.publicKeyPem(oldKid)).not.to.equal(emu.publicKeyPem(newKid));
    });

    it('rotates keys without retaining: old tokens, including client tokens, stop verifying', async () => {
      const oldClient = await clientBearer(emu);
      const oldToken = (await login(emu, { email: ADA.email, password: ADA.password }, oldClient)).json?.['access_token'] as string;
      const kid = emu.rotateKeys({ retainPrevious: false });
      expect(emu.kids).to.deep.equal([kid]);
      const jwks = await fetchJwks(emu);
      expect(jwks).to.have.length(1);
      expect(checkSignature(oldToken, jwks)).to.equal('unknown kid');
      expect((await call(emu, 'auth/keys', { authorization: oldClient })).status).to.equal(401);
      expect(() => emu.publicKeyPem('gone')).to.throw(/no key/);
    });
  });

  describe('signToken', () => {
    const emu = new DinteroEmulator();
    before(() => emu.start());
    after(() => emu.stop());

    it('signs the payload as given with the current key by default', async () => {
      const token = emu.signToken({ sub: 'x', custom: 1 });
      expect(decode(token)).to.deep.equal({ header: { alg: 'RS256', typ: 'JWT', kid: emu.currentKid }, payload: { sub: 'x', custom: 1 } });
      expect(checkSignature(token, await fetchJwks(emu))).to.equal('valid');
    });

    it('crafts attack tokens: alg none, HS256 with the public key PEM, foreign key, no kid, extra header', async () => {
      const jwks = await fetchJwks(emu);
      const none = emu.signToken({ sub: 'x' }, { alg: 'none' });
      expect(none.endsWith('.')).to.equal(true);
      expect(decode(none).header['alg']).to.equal('none');

      const hs = emu.signToken({ sub: 'x' }, { alg: 'HS256' });
      const [h, p, s] = hs.split('.');
      expect(s).to.equal(createHmac('sha256', emu.publicKeyPem()).update(`${h}.${p}`).digest('base64url'));
      const hsCustom = emu.signToken({ sub: 'x' }, { alg: 'HS256', hmacSecret: 'shh' });
      const [h2, p2, s2] = hsCustom.split('.');
      expect(s2).to.equal(createHmac('sha256', 'shh').update(`${h2}.${p2}`).digest('base64url'));

      const foreign = emu.signToken({ sub: 'x' }, { key: 'foreign' });
      expect(decode(foreign).header['kid']).to.equal(emu.currentKid);
      expect(checkSignature(foreign, jwks)).to.equal('bad signature');

      expect(decode(emu.signToken({}, { kid: null })).header).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
      expect(decode(emu.signToken({}, { header: { jku: 'https://evil.example' } })).header['jku']).to.equal('https://evil.example');
    });

    it('signs with a retained previous key when its kid is named', async () => {
      const oldKid = emu.currentKid;
      emu.rotateKeys();
      const token = emu.signToken({ sub: 'x' }, { kid: oldKid });
      expect(checkSignature(token, await fetchJwks(emu))).to.equal('valid');
    });
  });

  describe('refresh and revoke', () => {
    const emu = new DinteroEmulator({ users: [ADA] });
    before(() => emu.start());
    after(() => emu.stop());

    async function refresh(token: string, authorization?: string): Promise<CallResult> {
      return call(emu, 'auth/token', {
        authorization: authorization ?? (await clientBearer(emu)),
        body: { grant_type: 'refresh_token', refresh_token: token },
      });
    }

    it('returns a new access token and keeps the refresh token when not rotating', async () => {
      const first = await login(emu, { email: ADA.email, password: ADA.password });
      const refreshToken = first.json?.['refresh_token'] as string;
      const result = await refresh(refreshToken);
      expect(result.status).to.equal(200);
      expect(result.json).to.include({ token_type: 'Bearer', expires_in: 86400 });
      expect(result.json).not.to.have.property('refresh_token');
      const before = decode(first.json?.['access_token'] as string).payload;
      const after = decode(result.json?.['access_token'] as string).payload;
      expect(after['sub']).to.equal(before['sub']);
      expect(after['jti']).not.to.equal(before['jti']);
      expect(checkSignature(result.json?.['access_token'] as string, await fetchJwks(emu))).to.equal('valid');
      expect(emu.isRefreshTokenActive(refreshToken)).to.equal(true);
      expect((await refresh(refreshToken)).status).to.equal(200);
    });

    it('answers 401 invalid_grant for unknown tokens, 401 for Basic auth, 400 without a token', async () => {
      const unknown = await refresh('not-a-token');
      expect(unknown.status).to.equal(401);
      expect(errorOf(unknown)['code']).to.equal('invalid_grant');
      const token = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['refresh_token'] as string;
      expect((await refresh(token, basic(emu.clientId, emu.clientSecret))).status).to.equal(401);
      const missing = await call(emu, 'auth/token', { authorization: await clientBearer(emu), body: { grant_type: 'refresh_token' } });
      expect(missing.status).to.equal(400);
    });

    it('revokes over HTTP: 200 {} and the token is refused afterwards', async () => {
      const token = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['refresh_token'] as string;
      const revoked = await call(emu, 'auth/revoke', { authorization: await clientBearer(emu), body: { token } });
      expect(revoked.status).to.equal(200);
      expect(revoked.json).to.deep.equal({});
      expect(emu.isRefreshTokenActive(token)).to.equal(false);
      const after = await refresh(token);
      expect(after.status).to.equal(401);
      expect(errorOf(after)['code']).to.equal('invalid_grant');
      expect((await call(emu, 'auth/revoke', { body: { token } })).status).to.equal(401);
      expect((await call(emu, 'auth/revoke', { authorization: await clientBearer(emu), body: {} })).status).to.equal(400);
    });

    it('revokes from the test side, one token or all of a user', async () => {
      const a = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['refresh_token'] as string;
      const b = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['refresh_token'] as string;
      emu.revokeRefreshToken(a);
      expect((await refresh(a)).status).to.equal(401);
      expect((await refresh(b)).status).to.equal(200);
      const sub = decode((await login(emu, { email: ADA.email, password: ADA.password })).json?.['access_token'] as string).payload['sub'];
      emu.revokeAllRefreshTokens('someone-else');
      expect(emu.isRefreshTokenActive(b)).to.equal(true);
      emu.revokeAllRefreshTokens(sub as string);
      expect(emu.isRefreshTokenActive(b)).to.equal(false);
    });

    it('rotates refresh tokens when configured: the old one is refused', async () => {
      const rotating = new DinteroEmulator({ users: [ADA], rotateRefreshTokens: true });
      await rotating.start();
      try {
        const first = (await login(rotating, { email: ADA.email, password: ADA.password })).json?.['refresh_token'] as string;
        const result = await call(rotating, 'auth/token', {
          authorization: await clientBearer(rotating),
          body: { grant_type: 'refresh_token', refresh_token: first },
        });
        expect(result.status).to.equal(200);
        const second = result.json?.['refresh_token'] as string;
        expect(second).to.be.a('string').and.not.equal(first);
        expect(rotating.isRefreshTokenActive(first)).to.equal(false);
        expect(rotating.isRefreshTokenActive(second)).to.equal(true);
        const reuse = await call(rotating, 'auth/token', {
          authorization: await clientBearer(rotating),
          body: { grant_type: 'refresh_token', refresh_token: first },
        });
        expect(reuse.status).to.equal(401);
        expect(errorOf(reuse)['code']).to.equal('invalid_grant');
      } finally {
        await rotating.stop();
      }
    });
  });

  describe('MFA', () => {
    const sent: MfaCodeMessage[] = [];
    const emu = new DinteroEmulator({
      users: [{ ...ADA, mfa: true }, { email: 'plain@example.com', password: 'plain pass' }],
      onMfaCode: (message) => sent.push(message),
    });
    before(() => emu.start());
    after(() => emu.stop());

    async function challenge(mfaToken: string, extra: Json = {}): Promise<CallResult> {
      return call(emu, 'auth/mfa/challenge', {
        authorization: await clientBearer(emu),
        body: { challenge_type: 'oob', mfa_token: mfaToken, ...extra },
      });
    }

    async function redeem(body: Json, grantType = 'mfa-oob'): Promise<CallResult> {
      return call(emu, 'auth/token', { authorization: await clientBearer(emu), body: { grant_type: grantType, ...body } });
    }

    it('login of an MFA user answers 403 mfa_required with a top-level mfa_token', async () => {
      const result = await login(emu, { email: ADA.email, password: ADA.password });
      expect(result.status).to.equal(403);
      expect(errorOf(result)['code']).to.equal('mfa_required');
      expect(result.json?.['mfa_token']).to.be.a('string').with.length.greaterThan(10);
      // wrong password still says 401, not mfa_required
      expect((await login(emu, { email: ADA.email, password: 'nope nope' })).status).to.equal(401);
    });

    it('runs mfa_login → challenge → code grant to tokens', async () => {
      const start = await call(emu, 'customers/mfa_login', {
        authorization: await clientBearer(emu),
        body: { ident_type: 'email', ident: ADA.email, audience: emu.audience, type: 'customer', secret: ADA.password },
      });
      expect(start.status).to.equal(200);
      expect(start.json).to.deep.include({ challenge_type: 'oob', oob_channel: 'email', links: [] });
      const mfaToken = start.json?.['mfa_token'] as string;

      const challenged = await challenge(mfaToken);
      expect(challenged.status).to.equal(200);
      expect(challenged.json).to.include({ challenge_type: 'oob', binding_method: 'prompt' });
      const oobCode = challenged.json?.['oob_code'] as string;
      const code = emu.lastMfaCode(ADA.email);
      expect(code).to.match(/^\d{6}$/);
      expect(sent.at(-1)).to.deep.equal({ ident: ADA.email, channel: 'email', code });

      const wrongCode = code === '000000' ? '111111' : '000000';
      const wrong = await redeem({ oob_code: oobCode, binding_code: wrongCode, mfa_token: mfaToken });
      expect(wrong.status).to.equal(403);
      expect(errorOf(wrong)['code']).to.equal('invalid_grant');

      const good = await redeem({ oob_code: oobCode, binding_code: code, mfa_token: mfaToken });
      expect(good.status).to.equal(200);
      expect(good.json).to.include({ token_type: 'Bearer', expires_in: 86400 });
      expect(good.json?.['refresh_token']).to.be.a('string');
      expect(decode(good.json?.['access_token'] as string).payload).to.include({ email: ADA.email, aud: emu.audience });
      expect(checkSignature(good.json?.['access_token'] as string, await fetchJwks(emu))).to.equal('valid');

      // single use
      expect((await redeem({ oob_code: oobCode, binding_code: code, mfa_token: mfaToken })).status).to.equal(403);
      expect(emu.count('mfa_login')).to.equal(1);
      expect(emu.count('mfa_challenge')).to.equal(1);
      expect(emu.count('mfa_token')).to.equal(3);
    });

    it('uses sms for phone idents, accepts mfa_oob, and a new challenge invalidates the old code', async () => {
      const mfaToken = (await login(emu, { ident_type: 'phone_number', ident: ADA.phone, password: ADA.password })).json?.['mfa_token'] as string;
      const first = await challenge(mfaToken);
      const firstCode = emu.lastMfaCode(ADA.phone) as string;
      expect(sent.at(-1)).to.include({ ident: ADA.phone, channel: 'sms' });
      const second = await challenge(mfaToken);
      const secondCode = emu.lastMfaCode(ADA.phone) as string;
      const stale = await redeem({ oob_code: first.json?.['oob_code'], binding_code: firstCode, mfa_token: mfaToken }, 'mfa_oob');
      expect(stale.status).to.equal(403);
      const fresh = await redeem({ oob_code: second.json?.['oob_code'], binding_code: secondCode, mfa_token: mfaToken }, 'mfa_oob');
      expect(fresh.status).to.equal(200);
      expect(decode(fresh.json?.['access_token'] as string).payload['phone_number']).to.equal(ADA.phone);
    });

    it('burns a challenge after 5 wrong codes', async () => {
      const mfaToken = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['mfa_token'] as string;
      const oobCode = (await challenge(mfaToken)).json?.['oob_code'] as string;
      const code = emu.lastMfaCode(ADA.email) as string;
      const wrongCode = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i += 1) {
        expect((await redeem({ oob_code: oobCode, binding_code: wrongCode, mfa_token: mfaToken })).status).to.equal(403);
      }
      expect((await redeem({ oob_code: oobCode, binding_code: code, mfa_token: mfaToken })).status).to.equal(403);
    });

    it('answers 403 for an unknown mfa_token and 400 for bad challenge bodies', async () => {
      const unknown = await challenge('nope');
      expect(unknown.status).to.equal(403);
      expect(errorOf(unknown)['code']).to.equal('invalid_grant');
      expect((await challenge('nope', { challenge_type: 'otp' })).status).to.equal(400);
      expect((await redeem({ oob_code: 'x' })).status).to.equal(400);
    });

    it('lets a no-mfa client log MFA users straight in', async () => {
      const noMfa = new DinteroEmulator({ users: [{ ...ADA, mfa: true }], clientScopes: ['write:accounts:/auth/users/no-mfa'] });
      await noMfa.start();
      try {
        const result = await login(noMfa, { email: ADA.email, password: ADA.password });
        expect(result.status).to.equal(200);
        expect(result.json).not.to.have.property('refresh_token');
      } finally {
        await noMfa.stop();
      }
    });

    it('answers 403 expired_token once the code has expired', async () => {
      const short = new DinteroEmulator({ users: [{ ...ADA, mfa: true }], mfaCodeTtl: 0.3 });
      await short.start();
      try {
        const mfaToken = (await login(short, { email: ADA.email, password: ADA.password })).json?.['mfa_token'] as string;
        const challenged = await call(short, 'auth/mfa/challenge', {
          authorization: await clientBearer(short),
          body: { challenge_type: 'oob', mfa_token: mfaToken },
        });
        await sleep(400);
        const expired = await call(short, 'auth/token', {
          authorization: await clientBearer(short),
          body: {
            grant_type: 'mfa-oob',
            oob_code: challenged.json?.['oob_code'],
            binding_code: short.lastMfaCode(ADA.email),
            mfa_token: mfaToken,
          },
        });
        expect(expired.status).to.equal(403);
        expect(errorOf(expired)['code']).to.equal('expired_token');
        const late = await call(short, 'auth/mfa/challenge', {
          authorization: await clientBearer(short),
          body: { challenge_type: 'oob', mfa_token: mfaToken },
        });
        expect(late.status).to.equal(403);
        expect(errorOf(late)['code']).to.equal('expired_token');
      } finally {
        await short.stop();
      }
    });
  });

  describe('faults', () => {
    const emu = new DinteroEmulator({ users: [ADA] });
    let bearer: string;
    before(async () => {
      await emu.start();
      bearer = await clientBearer(emu);
    });
    afterEach(() => emu.clearFaults());
    after(() => emu.stop());

    const adaLogin = (signal?: AbortSignal): Promise<CallResult> =>
      call(emu, 'customers/login', {
        authorization: bearer,
        body: { audience: emu.audience, type: 'customer', email: ADA.email, password: ADA.password },
        ...(signal ? { signal } : {}),
      });

    it('status answers in the error shape, for the next `times` requests only, and still counts them', async () => {
      emu.resetCounts();
      emu.fault('login', { status: 503, times: 2 });
      const first = await adaLogin();
      expect(first.status).to.equal(503);
      expect(first.json).to.deep.equal({ error: { code: 'service_unavailable', message: 'Emulated 503 fault' } });
      expect((await adaLogin()).status).to.equal(503);
      expect((await adaLogin()).status).to.equal(200);
      expect(emu.count('login')).to.equal(3);
      expect(emu.requests.map((r) => r.status)).to.deep.equal([503, 503, 200]);
    });

    it('retryAfter answers 429 with Retry-After', async () => {
      emu.fault('client_token', { status: 429, retryAfter: 7 });
      const result = await call(emu, 'auth/token', {
        authorization: basic(emu.clientId, emu.clientSecret),
        body: { grant_type: 'client_credentials', audience: emu.audience },
      });
      expect(result.status).to.equal(429);
      expect(result.headers.get('retry-after')).to.equal('7');
      expect(errorOf(result)['code']).to.equal('too_many_requests');
      emu.fault('keys', { retryAfter: 3 });
      const keys = await call(emu, 'auth/keys', { authorization: bearer });
      expect(keys.status).to.equal(429);
      expect(keys.headers.get('retry-after')).to.equal('3');
    });

    it('body sends an object as JSON and a string raw; headers decorate normal answers too', async () => {
      emu.fault('login', { status: 400, body: { error: { code: 'custom', message: 'm' } }, headers: { 'x-fault': 'yes' } });
      const object = await adaLogin();
      expect(object.status).to.equal(400);
      expect(object.json).to.deep.equal({ error: { code: 'custom', message: 'm' } });
      expect(object.headers.get('x-fault')).to.equal('yes');
      emu.fault('login', { body: '{"access_token": 42' });
      const raw = await adaLogin();
      expect(raw.status).to.equal(200);
      expect(raw.text).to.equal('{"access_token": 42');
      emu.fault('login', { headers: { 'x-extra': '1' } });
      const decorated = await adaLogin();
      expect(decorated.status).to.equal(200);
      expect(decorated.headers.get('x-extra')).to.equal('1');
      expect(decorated.json?.['access_token']).to.be.a('string');
    });

    it('delayMs delays and then answers normally', async () => {
      emu.fault('login', { delayMs: 250, times: 1 });
      const started = Date.now();
      const result = await adaLogin();
      expect(Date.now() - started).to.be.at.least(240);
      expect(result.status).to.equal(200);
    });

    it('hang never answers; the client times out and stop() still returns quickly', async () => {
      const own = new DinteroEmulator({ users: [ADA] });
      await own.start();
      own.fault('keys', { hang: true });
      const authorization = await clientBearer(own);
      await expectRejects(call(own, 'auth/keys', { authorization, signal: AbortSignal.timeout(200) }), /abort|timeout/i);
      // another one still hanging while we stop
      const pending = call(own, 'auth/keys', { authorization }).catch((error: unknown) => error);
      await sleep(50);
      expect(own.requests.filter((r) => r.endpoint === 'keys').map((r) => r.status)).to.deep.equal([0, 0]);
      const started = Date.now();
      await own.stop();
      expect(Date.now() - started).to.be.below(1000);
      expect(await pending).to.be.instanceOf(Error);
    });

    it('slowBody sends 200 headers and a body that never ends; stop() still returns quickly', async () => {
      const own = new DinteroEmulator({ users: [ADA] });
      await own.start();
      own.fault('login', { slowBody: true });
      const signal = AbortSignal.timeout(400);
      const response = await fetch(`${own.baseUrl}/v1/accounts/${own.accountId}/customers/login`, {
        method: 'POST',
        headers: { authorization: await clientBearer(own), 'content-type': 'application/json' },
        body: JSON.stringify({ audience: own.audience, type: 'customer', email: ADA.email, password: ADA.password }),
        signal,
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('application/json');
      await expectRejects(response.text(), /abort|timeout/i);
      // a second trickle left open at shutdown
      const open = await fetch(`${own.baseUrl}/v1/accounts/${own.accountId}/customers/login`, {
        method: 'POST',
        headers: { authorization: await clientBearer(own), 'content-type': 'application/json' },
        body: '{}',
      });
      const reading = open.text().catch((error: unknown) => error);
      const started = Date.now();
      await own.stop();
      expect(Date.now() - started).to.be.below(1000);
      expect(await reading).to.be.instanceOf(Error);
    });

    it('nonJson answers an HTML page as text/html, with 200 or the given status', async () => {
      emu.fault('login', { nonJson: true, times: 1 });
      const page = await adaLogin();
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.equal('text/html');
      expect(page.text).to.match(/^<!DOCTYPE html>/);
      expect(page.json).to.equal(undefined);
      emu.fault('login', { nonJson: true, status: 502, times: 1 });
      expect((await adaLogin()).status).to.equal(502);
    });

    it('bodyBytes answers exactly that many bytes of JSON, without Content-Length', async () => {
      emu.fault('login', { bodyBytes: 200_000 });
      const response = await fetch(`${emu.baseUrl}/v1/accounts/${emu.accountId}/customers/login`, {
        method: 'POST',
        headers: { authorization: bearer, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-length')).to.equal(null);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.length).to.equal(200_000);
      expect(Object.keys(JSON.parse(bytes.toString('utf8')) as Json)).to.deep.equal(['access_token']);
    });

    it('redirectTo answers 302 (or the given 3xx) with Location', async () => {
      emu.fault('login', { redirectTo: 'http://127.0.0.1:9/steal', times: 1 });
      const found = await call(emu, 'customers/login', { authorization: bearer, body: {}, redirect: 'manual' });
      expect(found.status).to.equal(302);
      expect(found.headers.get('location')).to.equal('http://127.0.0.1:9/steal');
      emu.fault('login', { redirectTo: 'http://127.0.0.1:9/steal', status: 307, times: 1 });
      expect((await call(emu, 'customers/login', { authorization: bearer, body: {}, redirect: 'manual' })).status).to.equal(307);
    });

    it('destroy cuts the socket without an answer', async () => {
      emu.resetCounts();
      emu.fault('login', { destroy: true, times: 1 });
      await expectRejects(adaLogin(), /fetch failed|socket|other side closed/i);
      expect(emu.count('login')).to.equal(1);
      expect(emu.requests[0]?.status).to.equal(0);
      expect((await adaLogin()).status).to.equal(200);
    });

    it('omitAccessToken answers 200 without access_token', async () => {
      emu.fault('login', { omitAccessToken: true, times: 1 });
      const result = await adaLogin();
      expect(result.status).to.equal(200);
      expect(result.json).not.to.have.property('access_token');
      expect(result.json).to.include({ token_type: 'Bearer', expires_in: 86400 });
    });

    describe('accessToken tampering', () => {
      const cases: Array<[AccessTokenTamper, (token: string, jwks: Json[], claims: Json) => void]> = [
        ['alg-none', (t, k) => expect(checkSignature(t, k)).to.equal('alg none')],
        ['hs256-public-key', (t, k) => {
          expect(checkSignature(t, k)).to.equal('alg HS256');
          const [h, p, s] = t.split('.');
          expect(s).to.equal(createHmac('sha256', emu.publicKeyPem()).update(`${h}.${p}`).digest('base64url'));
        }],
        ['wrong-key', (t, k) => expect(checkSignature(t, k)).to.equal('bad signature')],
        ['no-kid', (t, k) => expect(checkSignature(t, k)).to.equal('no kid')],
        ['unknown-kid', (t, k) => expect(checkSignature(t, k)).to.equal('unknown kid')],
        ['payload-altered', (t, k) => {
          expect(checkSignature(t, k)).to.equal('bad signature');
          expect(decode(t).payload['sub']).to.equal('attacker');
        }],
        ['expired', (t, k) => {
          expect(checkSignature(t, k)).to.equal('valid');
          expect(decode(t).payload['exp']).to.be.below(Date.now() / 1000);
        }],
        ['nbf-future', (t, k) => {
          expect(checkSignature(t, k)).to.equal('valid');
          expect(decode(t).payload['nbf']).to.be.above(Date.now() / 1000 + 60);
        }],
        ['no-exp', (t, k) => {
          expect(checkSignature(t, k)).to.equal('valid');
          expect(decode(t).payload).not.to.have.property('exp');
        }],
        ['wrong-aud', (t, k) => {
          expect(checkSignature(t, k)).to.equal('valid');
          expect(decode(t).payload['aud']).not.to.equal(emu.audience);
        }],
        ['wrong-iss', (t, k) => {
          expect(checkSignature(t, k)).to.equal('valid');
          expect(decode(t).payload['iss']).to.equal('https://evil.example');
        }],
        ['huge', (t, k) => {
          expect(checkSignature(t, k)).to.equal('valid');
          expect(t.length).to.be.within(900_000, 1_200_000);
        }],
        [(claims) => `custom.${String(claims['sub'])}`, (t, _k, claims) => expect(t).to.equal(`custom.${String(claims['sub'])}`)],
      ];

      for (const [tamper, check] of cases) {
        it(`${typeof tamper === 'string' ? tamper : 'a function'} tampers the login access token`, async () => {
          const normal = await adaLogin();
          const claims = decode(normal.json?.['access_token'] as string).payload;
          emu.fault('login', { accessToken: tamper, times: 1 });
          const result = await adaLogin();
          expect(result.status).to.equal(200);
          expect(result.json?.['refresh_token']).to.be.a('string');
          check(result.json?.['access_token'] as string, await fetchJwks(emu), claims);
        });
      }

      it('applies to refresh and mfa_token responses too', async () => {
        const refreshToken = (await adaLogin()).json?.['refresh_token'] as string;
        emu.fault('refresh', { accessToken: 'alg-none', times: 1 });
        const refreshed = await call(emu, 'auth/token', { authorization: bearer, body: { grant_type: 'refresh_token', refresh_token: refreshToken } });
        expect(decode(refreshed.json?.['access_token'] as string).header['alg']).to.equal('none');

        const mfaToken = (await call(emu, 'customers/mfa_login', {
          authorization: bearer,
          body: { ident_type: 'email', ident: ADA.email, audience: emu.audience, type: 'customer', secret: ADA.password },
        })).json?.['mfa_token'] as string;
        const oobCode = (await call(emu, 'auth/mfa/challenge', { authorization: bearer, body: { challenge_type: 'oob', mfa_token: mfaToken } }))
          .json?.['oob_code'] as string;
        emu.fault('mfa_token', { accessToken: 'wrong-aud', times: 1 });
        const redeemed = await call(emu, 'auth/token', {
          authorization: bearer,
          body: { grant_type: 'mfa-oob', oob_code: oobCode, binding_code: emu.lastMfaCode(ADA.email), mfa_token: mfaToken },
        });
        expect(redeemed.status).to.equal(200);
        expect(decode(redeemed.json?.['access_token'] as string).payload['aud']).to.equal('https://api.dintero.com/v1/accounts/T99999999');
      });
    });

    it('leaves other endpoints alone and clearFaults(endpoint) disarms one', async () => {
      emu.fault('keys', { status: 500 });
      emu.fault('login', { status: 500 });
      expect((await call(emu, 'auth/token', {
        authorization: basic(emu.clientId, emu.clientSecret),
        body: { grant_type: 'client_credentials', audience: emu.audience },
      })).status).to.equal(200);
      emu.clearFaults('login');
      expect((await adaLogin()).status).to.equal(200);
      expect((await call(emu, 'auth/keys', { authorization: bearer })).status).to.equal(500);
      expect(() => emu.fault('nope' as 'login', { status: 500 })).to.throw(TypeError);
      expect(() => emu.fault('login', { times: 0 })).to.throw(TypeError);
    });
  });

  describe('counts and request log', () => {
    const emu = new DinteroEmulator({ users: [ADA] });
    before(() => emu.start());
    after(() => emu.stop());

    it('counts per endpoint and in total, and logs no secrets', async () => {
      emu.resetCounts();
      const refreshToken = (await login(emu, { email: ADA.email, password: ADA.password })).json?.['refresh_token'] as string;
      await fetchJwks(emu);
      await call(emu, 'auth/token', { authorization: await clientBearer(emu), body: { grant_type: 'refresh_token', refresh_token: refreshToken } });
      await call(emu, `auth/revoke?token=${refreshToken}`, { authorization: await clientBearer(emu), body: { token: refreshToken } });
      await call(emu, '/nowhere');
      expect(emu.count('client_token')).to.equal(4);
      expect(emu.count('login')).to.equal(1);
      expect(emu.count('keys')).to.equal(1);
      expect(emu.count('refresh')).to.equal(1);
      expect(emu.count('revoke')).to.equal(1);
      expect(emu.count('mfa_login')).to.equal(0);
      expect(emu.count('unknown')).to.equal(1);
      expect(emu.count()).to.equal(9);
      const log = emu.requests;
      expect(log).to.have.length(9);
      expect(log[1]).to.include({ endpoint: 'login', method: 'POST', path: `/v1/accounts/${emu.accountId}/customers/login`, status: 200 });
      expect(log.at(-1)).to.include({ endpoint: 'unknown', method: 'GET', path: '/nowhere', status: 404 });
      expect(log.every((r) => typeof r.at === 'number' && r.at <= Date.now())).to.equal(true);
      const serialized = JSON.stringify(log);
      for (const secret of [emu.clientSecret, ADA.password, refreshToken]) expect(serialized).not.to.include(secret);
      emu.resetCounts();
      expect(emu.count()).to.equal(0);
      expect(emu.requests).to.deep.equal([]);
    });

    it('latencyMs delays every response', async () => {
      const slow = new DinteroEmulator({ latencyMs: 150 });
      await slow.start();
      try {
        const started = Date.now();
        expect((await call(slow, '/nowhere')).status).to.equal(404);
        expect(Date.now() - started).to.be.at.least(140);
      } finally {
        await slow.stop();
      }
    });

    it('honours accessTokenTtl and clientTokenTtl', async () => {
      const short = new DinteroEmulator({ users: [ADA], accessTokenTtl: 60, clientTokenTtl: 1 });
      await short.start();
      try {
        const authorization = await clientBearer(short);
        const result = await login(short, { email: ADA.email, password: ADA.password }, authorization);
        expect(result.json?.['expires_in']).to.equal(60);
        // exp is rounded up to a whole second: wait until it has really passed, not a fixed 1.1 s.
        const claims = JSON.parse(Buffer.from(authorization.split('.')[1] as string, 'base64url').toString()) as { exp: number; iat: number };
        expect(claims.exp - claims.iat).to.be.within(1, 2);
        await sleep(Math.max(0, claims.exp * 1000 - Date.now()) + 50);
        expect((await login(short, { email: ADA.email, password: ADA.password }, authorization)).status).to.equal(401);
      } finally {
        await short.stop();
      }
    });
  });

  describe('CLI', () => {
    it('prints one JSON line, serves requests, and stops on SIGTERM', async function () {
      this.timeout(15_000);
      const cli = fileURLToPath(new URL('../lib/testing/cli.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', cli, '--latency', '0', '--user', 'cli@example.com:pa:ss'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const lines = createInterface({ input: child.stdout });
        const [line] = (await once(lines, 'line')) as [string];
        const info = JSON.parse(line) as Json;
        expect(Object.keys(info)).to.deep.equal(['baseUrl', 'accountId', 'clientId', 'clientSecret', 'audience']);
        const token = await fetch(`${info['baseUrl']}/v1/accounts/${info['accountId']}/auth/token`, {
          method: 'POST',
          headers: { authorization: basic(info['clientId'], info['clientSecret']), 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', audience: info['audience'] }),
        });
        const { access_token: accessToken } = (await token.json()) as Json;
        const loggedIn = await fetch(`${info['baseUrl']}/v1/accounts/${info['accountId']}/customers/login`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ audience: info['audience'], type: 'customer', email: 'cli@example.com', password: 'pa:ss' }),
        });
        expect(loggedIn.status).to.equal(200);
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const [code] = (await exited) as [number | null];
        expect(code).to.equal(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });

    it('exits 2 on a bad argument', async () => {
      const cli = fileURLToPath(new URL('../lib/testing/cli.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', 'abc'], { stdio: 'ignore' });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).to.equal(2);
    });

    it('--help names the command a user runs (npx dintero-emulator), not the file inside dist', async function () {
      this.timeout(15_000);
      const cli = fileURLToPath(new URL('../lib/testing/cli.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', cli, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await once(child, 'close');
      expect(out).to.match(/^Usage: npx dintero-emulator \[options\]/);
      expect(out).to.not.contain('dist/testing/cli.js');
    });
  });

  describe('activeRefreshTokenCount', () => {
    it('is the number activeRefreshTokens() returns', () => {
      const emu = new DinteroEmulator();
      expect(emu.activeRefreshTokenCount()).to.equal(0);
      expect(emu.activeRefreshTokenCount()).to.equal(emu.activeRefreshTokens());
    });
  });
});

async function expectRejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected a rejection').to.be.instanceOf(Error);
  const messages = [(error as Error).name, (error as Error).message, inspect((error as Error).cause ?? '')].join(' ');
  expect(messages).to.match(pattern);
}
