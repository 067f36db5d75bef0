/**
 * The emulator's switch per unknown of Dintero's API answers in the shape its TSDoc promises (the
 * library's side of each reading is tested in test/integration/variants.test.ts), and the CLI flags
 * reach the same options.
 */
import { expect } from 'chai';
import { DinteroEmulator, type DinteroEmulatorOptions } from '../lib/testing/index.js';
import { parseCliArgs } from '../lib/testing/cli-args.js';
import { basic, call, clientBearer, decode, login, type Json } from './support/emulator-http.js';

const MFA_USER = { email: 'mfa@example.com', password: 'mfa password', mfa: true };
const USER = { email: 'ada@example.com', password: 'correct horse' };

async function withEmulator(options: DinteroEmulatorOptions, run: (emu: DinteroEmulator) => Promise<void>): Promise<void> {
  const emu = new DinteroEmulator({ ...options, users: [USER, MFA_USER] });
  await emu.start();
  try {
    await run(emu);
  } finally {
    await emu.stop();
  }
}

describe('DinteroEmulator variants (one switch per unknown)', () => {
  it("mfaRequired: 'top' | 'nested' | 'none' and mfaRequiredStatus shape login's MFA answer", async () => {
    const shapes: Array<[DinteroEmulatorOptions, number, (body: Json) => void]> = [
      [{}, 403, (b) => expect(b['mfa_token']).to.be.a('string')],
      [{ mfaRequired: 'nested', mfaRequiredStatus: 401 }, 401, (b) => {
        expect(b).not.to.have.property('mfa_token');
        expect(b['error']['mfa_token']).to.be.a('string');
      }],
      [{ mfaRequired: 'none', mfaRequiredStatus: 400 }, 400, (b) => {
        expect(b).not.to.have.property('mfa_token');
        expect(b['error']).not.to.have.property('mfa_token');
      }],
    ];
    for (const [options, status, check] of shapes) {
      await withEmulator(options, async (emu) => {
        const result = await login(emu, { email: MFA_USER.email, password: MFA_USER.password });
        expect(result.status).to.equal(status);
        expect(result.json?.['error']?.['code']).to.equal('mfa_required');
        check(result.json!);
      });
    }
  });

  it('wrongPasswordStatus and unknownUserStatus set the refusals at login and mfa_login', async () => {
    await withEmulator({ wrongPasswordStatus: 403, unknownUserStatus: 401 }, async (emu) => {
      expect((await login(emu, { email: USER.email, password: 'wrong one' })).status).to.equal(403);
      expect((await login(emu, { email: 'nobody@example.com', password: 'wrong one' })).status).to.equal(401);
      const mfaLogin = await call(emu, 'customers/mfa_login', {
        authorization: await clientBearer(emu),
        body: { ident_type: 'email', ident: USER.email, audience: emu.audience, type: 'customer', secret: 'wrong one' },
      });
      expect(mfaLogin.status).to.equal(403);
    });
    expect(() => new DinteroEmulator({ wrongPasswordStatus: 200 })).to.throw(TypeError, /wrongPasswordStatus/);
  });

  it("keySetShape: 'object' serves {keys}", async () => {
    await withEmulator({ keySetShape: 'object' }, async (emu) => {
      const result = await call(emu, 'auth/keys', { authorization: await clientBearer(emu) });
      expect(result.json).to.have.property('keys').that.is.an('array').with.length(1);
    });
  });

  it('omitExpiresIn leaves expires_in out of client and customer token answers', async () => {
    await withEmulator({ omitExpiresIn: true }, async (emu) => {
      const client = await call(emu, 'auth/token', {
        authorization: basic(emu.clientId, emu.clientSecret),
        body: { grant_type: 'client_credentials', audience: emu.audience },
      });
      expect(client.json).to.have.property('access_token');
      expect(client.json).not.to.have.property('expires_in');
      const customer = await login(emu, { email: USER.email, password: USER.password });
      expect(customer.json).to.have.property('access_token');
      expect(customer.json).not.to.have.property('expires_in');
    });
  });

  it('omitOobChannel leaves oob_channel out of the mfa_login answer', async () => {
    await withEmulator({ omitOobChannel: true }, async (emu) => {
      const result = await call(emu, 'customers/mfa_login', {
        authorization: await clientBearer(emu),
        body: { ident_type: 'email', ident: MFA_USER.email, audience: emu.audience, type: 'customer', secret: MFA_USER.password },
      });
      expect(result.status).to.equal(200);
      expect(result.json).to.have.property('mfa_token');
      expect(result.json).not.to.have.property('oob_channel');
    });
  });

  it("audShape: 'array' and extraClaims shape customer tokens (never iss, sub, aud, exp)", async () => {
    await withEmulator({ audShape: 'array', extraClaims: { ext_tier: 'gold', sub: 'attacker' } }, async (emu) => {
      const result = await login(emu, { email: USER.email, password: USER.password });
      const { payload } = decode(result.json?.['access_token'] as string);
      expect(payload['aud']).to.be.an('array').that.includes(emu.audience).with.length(2);
      expect(payload['ext_tier']).to.equal('gold');
      expect(payload['sub']).not.to.equal('attacker');
    });
  });

  it("errorBodies: 'html' answers errors as an HTML page with the same status; successes stay JSON", async () => {
    await withEmulator({ errorBodies: 'html' }, async (emu) => {
      const wrong = await login(emu, { email: USER.email, password: 'wrong one' });
      expect(wrong.status).to.equal(401);
      expect(wrong.headers.get('content-type')).to.match(/^text\/html/);
      expect(wrong.json).to.equal(undefined);
      const right = await login(emu, { email: USER.email, password: USER.password });
      expect(right.json).to.have.property('access_token');
    });
  });

  it('the CLI flags map onto the same options', () => {
    const options = parseCliArgs([
      '--mfa-required', 'none', '--mfa-required-status', '401', '--mfa-grant-types', 'mfa_oob',
      '--wrong-password-status', '403', '--unknown-user-status', '401', '--rotate-refresh-tokens',
      '--key-set-shape', 'object', '--omit-expires-in', '--omit-oob-channel', '--aud-shape', 'array',
      '--error-bodies', 'html', '--mfa-user', 'mfa@example.com:pa:ss',
    ]);
    expect(options).to.deep.equal({
      mfaRequired: 'none',
      mfaRequiredStatus: 401,
      mfaGrantTypes: ['mfa_oob'],
      wrongPasswordStatus: 403,
      unknownUserStatus: 401,
      rotateRefreshTokens: true,
      keySetShape: 'object',
      omitExpiresIn: true,
      omitOobChannel: true,
      audShape: 'array',
      errorBodies: 'html',
      users: [{ email: 'mfa@example.com', password: 'pa:ss', mfa: true }],
    });
    expect(() => new DinteroEmulator(parseCliArgs(['--mfa-required', 'sideways']))).to.throw(TypeError, /mfaRequired/);
  });
});
