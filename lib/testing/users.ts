/**
 * The emulated account's customers: who exists, how they are found, their passwords.
 *
 * @module
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';

/** Dintero's user types; users of different types may share an email or phone. */
export type EmulatorUserType = 'customer' | 'company';

/** How a login names the user. */
export type IdentType = 'email' | 'phone_number';

/** A user to create with {@link DinteroEmulator.addUser} or the `users` option. */
export interface EmulatorUserInput {
  /** Email address; matched case-insensitively. Give `email`, `phone`, or both. */
  email?: string;
  /** Phone number in E.164 form, e.g. `'+4799999999'`. Give `email`, `phone`, or both. */
  phone?: string;
  /** The password (or pin) the user logs in with. */
  password: string;
  /** Default is `'customer'`. */
  type?: EmulatorUserType;
  /** The `sub` of the user's access tokens. Default is a random UUID. */
  id?: string;
  /**
   * Extra claims added to the user's access tokens. They may override `scope`, `email`,
   * `phone_number` and `type`, never `iss`, `sub`, `aud`, `iat`, `exp` or `jti`.
   * Default is none.
   */
  claims?: Record<string, unknown>;
  /**
   * The account requires MFA for this user: `customers/login` answers 403 `mfa_required`
   * unless the client has scope `write:accounts:/auth/users/no-mfa`. Default is `false`.
   */
  mfa?: boolean;
}

/** A user as the emulator holds it (without the password). */
export interface EmulatorUser {
  readonly id: string;
  readonly email?: string;
  readonly phone?: string;
  readonly type: EmulatorUserType;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly mfa: boolean;
}

const E164 = /^\+[1-9]\d{1,14}$/;

interface StoredUser extends EmulatorUser {
  passwordHash: Buffer;
}

/** Users by id, with lookups by (type, email) and (type, phone). */
export class UserStore {
  private readonly _byId = new Map<string, StoredUser>();

  /** Adds a user; throws `TypeError` on bad input and `Error` on a duplicate id or ident. */
  add(input: EmulatorUserInput): EmulatorUser {
    const { email, phone, password, type = 'customer', id = randomUUID(), claims = {}, mfa = false } = input;
    if (email === undefined && phone === undefined) {
      throw new TypeError('DinteroEmulator.addUser requires email or phone');
    }
    if (email !== undefined && (typeof email !== 'string' || !email.includes('@'))) {
      throw new TypeError(`DinteroEmulator.addUser: email must be an email address, got ${String(email)}`);
    }
    if (phone !== undefined && (typeof phone !== 'string' || !E164.test(phone))) {
      throw new TypeError(`DinteroEmulator.addUser: phone must be E.164 (+4799999999), got ${String(phone)}`);
    }
    if (typeof password !== 'string') throw new TypeError('DinteroEmulator.addUser requires a password string');
    if (type !== 'customer' && type !== 'company') {
      throw new TypeError(`DinteroEmulator.addUser: type must be 'customer' or 'company'`);
    }
    if (this._byId.has(id)) throw new Error(`DinteroEmulator.addUser: duplicate user id ${id}`);
    if (email !== undefined && this.find(type, 'email', email)) {
      throw new Error(`DinteroEmulator.addUser: a ${type} with email ${email} already exists`);
    }
    if (phone !== undefined && this.find(type, 'phone_number', phone)) {
      throw new Error(`DinteroEmulator.addUser: a ${type} with phone ${phone} already exists`);
    }
    const user: StoredUser = {
      id,
      type,
      claims: { ...claims },
      mfa,
      passwordHash: hashPassword(password),
      ...(email !== undefined ? { email } : {}),
      ...(phone !== undefined ? { phone } : {}),
    };
    this._byId.set(id, user);
    return publicView(user);
  }

  /** The user of this type whose email (case-insensitive) or phone equals `ident`. */
  find(type: EmulatorUserType, identType: IdentType, ident: string): EmulatorUser | undefined {
    for (const user of this._byId.values()) {
      if (user.type === type && matchesIdent(user, identType, ident)) return publicView(user);
    }
    return undefined;
  }

  /** The user with this id. */
  get(id: string): EmulatorUser | undefined {
    const user = this._byId.get(id);
    return user && publicView(user);
  }

  /** True when `password` is the user's password (constant-time comparison). */
  checkPassword(id: string, password: string): boolean {
    const user = this._byId.get(id);
    return user !== undefined && timingSafeEqual(user.passwordHash, hashPassword(password));
  }

  /**
   * Sets the password of the user with this id, or of every user (of any type) with this email
   * or phone. Throws when nobody matches.
   */
  setPassword(identOrId: string, password: string): void {
    if (typeof password !== 'string') throw new TypeError('DinteroEmulator.setPassword requires a password string');
    const byId = this._byId.get(identOrId);
    const targets = byId
      ? [byId]
      : [...this._byId.values()].filter(
          (user) => matchesIdent(user, 'email', identOrId) || matchesIdent(user, 'phone_number', identOrId),
        );
    if (targets.length === 0) throw new Error(`DinteroEmulator.setPassword: no user ${identOrId}`);
    for (const user of targets) user.passwordHash = hashPassword(password);
  }
}

function matchesIdent(user: EmulatorUser, identType: IdentType, ident: string): boolean {
  if (identType === 'phone_number') return user.phone === ident;
  return user.email !== undefined && user.email.toLowerCase() === ident.toLowerCase();
}

// Hashing only gives timingSafeEqual equal-length inputs; this is a test double, not a vault.
function hashPassword(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

function publicView(user: StoredUser): EmulatorUser {
  const { passwordHash: _omitted, ...view } = user;
  return Object.freeze({ ...view, claims: Object.freeze({ ...user.claims }) });
}
