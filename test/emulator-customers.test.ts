/**
 * The emulator's customers endpoints over raw HTTP: `customers/change_password` (the reset email, its
 * link, completing it) and `customers/users` (creating a customer), with their scopes and errors.
 */
import { expect } from 'chai';
import { DinteroEmulator, PASSWORD_RESET_LINK_BASE, SCOPE_LOGIN, SCOPE_READ_ACCOUNTS, type PasswordResetEmail } from '../lib/testing/index.js';
import { call, clientBearer, login } from './support/emulator-http.js';

const ADA = { email: 'Ada@Example.com', phone: '+4790000001', password: 'correct horse' };

describe('DinteroEmulator: customers endpoints', () => {
  let emu: DinteroEmulator;
  let sent: PasswordResetEmail[];
  let bearer: string;
  before(async () => {
    sent = [];
    emu = new DinteroEmulator({ users: [ADA], onPasswordResetEmail: (email) => sent.push(email) });
    await emu.start();
    bearer = await clientBearer(emu);
  });
  after(() => emu.stop());

  const reset = (body: object, authorization = bearer) => call(emu, 'customers/change_password', { authorization, body });
  const create = (body: object, authorization = bearer) => call(emu, 'customers/users', { authorization, body });

  describe('POST customers/change_password', () => {
    it('answers 204 without a body, records the email with a one-time link, and calls onPasswordResetEmail', async () => {
      const before = emu.count('change_password');
      const res = await reset({ email: 'ada@example.com', audience: emu.audience, type: 'customer' });
      expect(res.status).to.equal(204);
      expect(res.text).to.equal('');
      expect(emu.count('change_password')).to.equal(before + 1);
      const email = emu.lastPasswordReset('ADA@example.com')!;
      expect(email.to).to.equal(ADA.email);
      expect(email.link.startsWith(`${PASSWORD_RESET_LINK_BASE}?token=`)).to.equal(true);
      expect(email.text).to.include(email.link);
      expect(sent.at(-1)).to.deep.equal(email);
      expect(emu.passwordResetEmails.at(-1)).to.deep.equal(email);
    });

    it('lets a test complete the reset once: the new password signs in, the old one no longer does', async () => {
      await reset({ email: ADA.email, audience: emu.audience, type: 'customer' });
      const { link, token } = emu.lastPasswordReset(ADA.email)!;
      emu.completePasswordReset(link, 'a brand new password');
      expect((await login(emu, { email: ADA.email, password: 'a brand new password' })).status).to.equal(200);
      expect((await login(emu, { email: ADA.email, password: ADA.password })).status).to.equal(401);
      expect(() => emu.completePasswordReset(token, 'another password')).to.throw(/unknown or already used/);
      expect(() => emu.completePasswordReset('made-up', 'another password')).to.throw(/unknown or already used/);
      await reset({ email: ADA.email, audience: emu.audience, type: 'customer' });
      expect(() => emu.completePasswordReset(emu.lastPasswordReset(ADA.email)!.token, 'abc')).to.throw(TypeError);
      emu.setPassword(ADA.email, ADA.password);
    });

    it('answers 404 NOT FOUND for an address without an account, and sends nothing', async () => {
      const count = emu.passwordResetEmails.length;
      const res = await reset({ email: 'nobody@example.com', audience: emu.audience, type: 'customer' });
      expect(res.status).to.equal(404);
      expect(res.json).to.deep.equal({ error: { code: 'NOT FOUND', message: 'Customer not found' } });
      expect(emu.passwordResetEmails.length).to.equal(count);
    });

    it('answers 400 for a bad email, audience or type', async () => {
      const res = await reset({ email: 'no-at-sign', audience: 'https://elsewhere', type: 'person' });
      expect(res.status).to.equal(400);
      expect(res.json?.['error']['errors'].map((e: { field: string }) => e.field)).to.deep.equal(['email', 'audience', 'type']);
    });

    it('answers 401 without a valid client token, 403 without write:accounts:/auth/users', async () => {
      expect((await reset({ email: ADA.email, audience: emu.audience, type: 'customer' }, 'Bearer nonsense')).status).to.equal(401);
      const narrow = new DinteroEmulator({ users: [ADA], clientScopes: [SCOPE_READ_ACCOUNTS] });
      await narrow.start();
      try {
        const res = await call(narrow, 'customers/change_password', {
          authorization: await clientBearer(narrow),
          body: { email: ADA.email, audience: narrow.audience, type: 'customer' },
        });
        expect(res.status).to.equal(403);
      } finally {
        await narrow.stop();
      }
    });

    it('answers an unknown address with unknownResetStatus', async () => {
      for (const status of [204, 400, 401] as const) {
        const other = new DinteroEmulator({ unknownResetStatus: status });
        await other.start();
        try {
          const res = await call(other, 'customers/change_password', {
            authorization: await clientBearer(other),
            body: { email: 'nobody@example.com', audience: other.audience, type: 'customer' },
          });
          expect(res.status).to.equal(status);
          expect(other.passwordResetEmails).to.deep.equal([]);
        } finally {
          await other.stop();
        }
      }
      expect(() => new DinteroEmulator({ unknownResetStatus: 500 as never })).to.throw(TypeError, /unknownResetStatus/);
    });
  });

  describe('POST customers/users', () => {
    it('answers 200 with the customer and its customer_id; the customer signs in with the password', async () => {
      const res = await create({ email: 'new@example.com', phone_number: '+4790000009', first_name: 'Nina', last_name: 'Hansen', password: 'nina-password' });
      expect(res.status).to.equal(200);
      expect(res.json).to.include({ email: 'new@example.com', phone_number: '+4790000009', first_name: 'Nina', type: 'customer' });
      expect(res.json?.['customer_id']).to.be.a('string');
      expect(res.json).not.to.have.property('password');
      expect(emu.count('create_customer')).to.be.at.least(1);
      const signedIn = await login(emu, { ident_type: 'phone_number', ident: '+4790000009', password: 'nina-password' });
      expect(signedIn.status).to.equal(200);
    });

    it('keeps a given customer_id', async () => {
      const res = await create({ email: 'given-id@example.com', customer_id: 'cust-42', password: 'long-enough' });
      expect(res.json?.['customer_id']).to.equal('cust-42');
      expect((await create({ email: 'other@example.com', customer_id: 'cust-42' })).status).to.equal(400);
    });

    it('answers 400 for a duplicate email (any case) or phone number', async () => {
      for (const body of [{ email: 'ADA@example.COM' }, { phone_number: ADA.phone }]) {
        const res = await create({ ...body, password: 'long-enough' });
        expect(res.status).to.equal(400);
        expect(res.json?.['error']['code']).to.equal('DUPLICATE');
      }
    });

    it('answers 400 listing every bad field', async () => {
      const res = await create({ email: 'bad', phone_number: '12345', type: 'company', password: 'abc', first_name: 7, attributes: [] });
      expect(res.status).to.equal(400);
      expect(res.json?.['error']['errors'].map((e: { field: string }) => e.field)).to.deep.equal([
        'email',
        'phone_number',
        'company',
        'password',
        'first_name',
        'attributes',
      ]);
      expect((await create({ first_name: 'No Ident' })).json?.['error']['errors'][0]).to.include({ field: 'email' });
    });

    it('answers 401 without a valid client token; 403 without a create scope, or with a password but without write:accounts:/auth/users', async () => {
      expect((await create({ email: 'x@example.com' }, 'Bearer nonsense')).status).to.equal(401);
      for (const [clientScopes, body, status] of [
        [[SCOPE_LOGIN], { email: 'x@example.com', password: 'long-enough' }, 403],
        [['create:customers:/users'], { email: 'x@example.com', password: 'long-enough' }, 403],
        [['write:customers'], { email: 'y@example.com' }, 200],
        [['admin:customers', SCOPE_LOGIN], { email: 'z@example.com', pin: '123456' }, 200],
      ] as const) {
        const other = new DinteroEmulator({ clientScopes: [...clientScopes] });
        await other.start();
        try {
          const res = await call(other, 'customers/users', { authorization: await clientBearer(other), body });
          expect(res.status, JSON.stringify(clientScopes)).to.equal(status);
        } finally {
          await other.stop();
        }
      }
    });

    it('takes faults under its endpoint name', async () => {
      emu.fault('create_customer', { status: 503, times: 1 });
      expect((await create({ email: 'f@example.com' })).status).to.equal(503);
      emu.fault('change_password', { status: 500, times: 1 });
      expect((await reset({ email: ADA.email, audience: emu.audience, type: 'customer' })).status).to.equal(500);
    });
  });
});
