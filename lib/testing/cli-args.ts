/**
 * Parsing the emulator CLI's arguments into emulator options.
 *
 * @module
 */
import type { DinteroEmulatorOptions } from './options.js';
import type { EmulatorUserInput } from './users.js';

/** Usage text of `npx dintero-emulator`. */
export const CLI_USAGE = `Usage: npx dintero-emulator [options]
  --port N               port to listen on (default 0: a free port)
  --host HOST            interface to listen on (default 127.0.0.1)
  --latency MS           delay before every response, in milliseconds (default 0)
  --access-token-ttl S   customer access token lifetime, in seconds (default 86400)
  --user IDENT:PASSWORD  add a customer; IDENT is an email or an E.164 phone (+47...). Repeatable.
  --mfa-user IDENT:PASSWORD  add a customer whose account requires MFA. Repeatable.
Readings of what Dintero's docs leave open (see DinteroEmulatorOptions):
  --mfa-required top|nested|none   where login's mfa_required answer puts the mfa_token (default top)
  --mfa-required-status N          status of that answer (default 403)
  --mfa-grant-types A,B            accepted code grant types (default mfa-oob,mfa_oob)
  --wrong-password-status N        (default 401)
  --unknown-user-status N          (default 404)
  --rotate-refresh-tokens          the refresh grant rotates the refresh token
  --key-set-shape array|object     /auth/keys as a bare array or {keys} (default array)
  --omit-expires-in                no expires_in in token answers
  --omit-oob-channel               no oob_channel in the mfa_login answer
  --aud-shape string|array         aud of customer tokens (default string)
  --error-bodies json|html         bodies of error answers (default json)
Prints one JSON line {"baseUrl","accountId","clientId","clientSecret","audience"} and runs until SIGTERM/SIGINT.`;

/** The flags of the readings switches: each turns its value (none for a bare flag) into options. */
const VARIANT_FLAGS: Readonly<Record<string, (text: string, flag: string) => DinteroEmulatorOptions>> = {
  '--mfa-required': (text) => ({ mfaRequired: text as DinteroEmulatorOptions['mfaRequired'] }),
  '--mfa-required-status': (text, flag) => ({ mfaRequiredStatus: integer(flag, text) }),
  '--mfa-grant-types': (text) => ({ mfaGrantTypes: text.split(',') }),
  '--wrong-password-status': (text, flag) => ({ wrongPasswordStatus: integer(flag, text) }),
  '--unknown-user-status': (text, flag) => ({ unknownUserStatus: integer(flag, text) }),
  '--rotate-refresh-tokens': () => ({ rotateRefreshTokens: true }),
  '--key-set-shape': (text) => ({ keySetShape: text as DinteroEmulatorOptions['keySetShape'] }),
  '--omit-expires-in': () => ({ omitExpiresIn: true }),
  '--omit-oob-channel': () => ({ omitOobChannel: true }),
  '--aud-shape': (text) => ({ audShape: text as DinteroEmulatorOptions['audShape'] }),
  '--error-bodies': (text) => ({ errorBodies: text as DinteroEmulatorOptions['errorBodies'] }),
};

/** Emulator options from CLI arguments (without the node and script paths); throws `Error` with a message for the user. */
export function parseCliArgs(args: readonly string[]): DinteroEmulatorOptions {
  const options: DinteroEmulatorOptions = {};
  const users: EmulatorUserInput[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i] as string;
    const value = (): string => {
      const next = args[i + 1];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '--port':
        options.port = integer(flag, value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--latency':
        options.latencyMs = number(flag, value());
        break;
      case '--access-token-ttl':
        options.accessTokenTtl = number(flag, value());
        break;
      case '--user':
        users.push(user(value()));
        break;
      case '--mfa-user':
        users.push({ ...user(value()), mfa: true });
        break;
      default: {
        const variant = VARIANT_FLAGS[flag];
        if (!variant) throw new Error(`unknown argument ${flag}`);
        // Values are checked by the emulator's own option validation, which names the option.
        Object.assign(options, variant(variant.length === 0 ? '' : value(), flag));
      }
    }
  }
  if (users.length > 0) options.users = users;
  return options;
}

function user(spec: string): EmulatorUserInput {
  // Split at the first colon: passwords may contain colons, emails and phones do not.
  const colon = spec.indexOf(':');
  // The value is not echoed: a mistyped one may be mostly a password.
  if (colon <= 0) throw new Error('--user needs IDENT:PASSWORD');
  const ident = spec.slice(0, colon);
  const password = spec.slice(colon + 1);
  return ident.startsWith('+') ? { phone: ident, password } : { email: ident, password };
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${flag} needs a number, got ${text}`);
  return value;
}

function integer(flag: string, text: string): number {
  const value = number(flag, text);
  if (!Number.isInteger(value)) throw new Error(`${flag} needs an integer, got ${text}`);
  return value;
}
