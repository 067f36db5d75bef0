/**
 * The customers API's two sign-in page helpers: `POST /customers/change_password` (the password-reset
 * email) and `POST /customers/users` (creating a customer).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { isJsonObject, type JsonObject } from '../jwt.js';
import { CREATE_CUSTOMER_SCOPES, SCOPE_LOGIN } from '../options.js';
import { errorReply, invalidBody, noContent, ok, type FieldError, type Reply } from '../reply.js';
import type { EmulatorUserType } from '../users.js';
import { authenticateClient, isReply, requireScope, type EndpointContext, type EndpointRequest } from './context.js';

const E164 = /^\+[1-9]\d{1,14}$/;

function isEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(value);
}

function isUserType(value: unknown): value is EmulatorUserType {
  return value === 'customer' || value === 'company';
}

/**
 * Emails the customer a one-time link to choose a new password: 204. Needs scope
 * `write:accounts:/auth/users`; body `{email, audience, type}`. An address without an account gets
 * `unknownResetStatus` (default 404), since Dintero does not say.
 */
export function changePassword(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const forbidden = requireScope(client, [SCOPE_LOGIN]);
  if (forbidden) return forbidden;
  const { email, audience, type } = req.body;
  const errors: FieldError[] = [];
  if (!isEmail(email)) errors.push({ field: 'email', message: 'must be an email address' });
  if (typeof audience !== 'string' || audience === '') errors.push({ field: 'audience', message: 'is required' });
  else if (audience !== ctx.audience) errors.push({ field: 'audience', message: 'is not an audience of this client' });
  if (!isUserType(type)) errors.push({ field: 'type', message: "must be 'customer' or 'company'" });
  if (errors.length > 0) return invalidBody(errors);
  const user = ctx.users.find(type as EmulatorUserType, 'email', email as string);
  if (!user?.email) {
    const status = ctx.options.unknownResetStatus;
    if (status === 204) return noContent();
    if (status === 404) return errorReply(404, 'NOT FOUND', 'Customer not found');
    return errorReply(status, status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'bad_request', 'Customer not found');
  }
  ctx.sendPasswordResetEmail(ctx.passwordResets.send(user.email, user.id));
  return noContent();
}

/**
 * Creates a customer: 200 with the customer and its `customer_id`. Needs one of `admin:customers`,
 * `write:customers`, `create:customers:/users`, and `write:accounts:/auth/users` as well when the body
 * has a `password` or `pin`. 400 for a bad field or a duplicate email (case-insensitive), phone number or
 * `customer_id`.
 */
export function createCustomer(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const body = req.body;
  const forbidden =
    requireScope(client, CREATE_CUSTOMER_SCOPES) ??
    (body['password'] !== undefined || body['pin'] !== undefined ? requireScope(client, [SCOPE_LOGIN]) : undefined);
  if (forbidden) return forbidden;
  const fields = readCustomer(body);
  if (isReply(fields)) return fields;
  const { type, email, phone, customerId } = fields;
  if (email !== undefined && ctx.users.find(type, 'email', email)) {
    return errorReply(400, 'DUPLICATE', 'A customer with this email already exists');
  }
  if (phone !== undefined && ctx.users.find(type, 'phone_number', phone)) {
    return errorReply(400, 'DUPLICATE', 'A customer with this phone_number already exists');
  }
  if (customerId !== undefined && ctx.users.get(customerId)) {
    return errorReply(400, 'DUPLICATE', 'A customer with this customer_id already exists');
  }
  const name = [body['first_name'], body['last_name']].filter((part) => typeof part === 'string' && part !== '').join(' ');
  const user = ctx.users.add({
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    // A customer created without a password or pin cannot sign in with one.
    password: fields.password ?? randomBytes(32).toString('hex'),
    type,
    ...(customerId !== undefined ? { id: customerId } : {}),
    claims: name === '' ? {} : { name },
  });
  const customer: JsonObject = { customer_id: user.id, type, created_at: new Date().toISOString() };
  for (const field of ['email', 'phone_number', 'first_name', 'last_name', 'company', 'marketing_consent', 'attributes']) {
    if (body[field] !== undefined) customer[field] = body[field];
  }
  return ok(customer);
}

interface CustomerFields {
  readonly type: EmulatorUserType;
  readonly email: string | undefined;
  readonly phone: string | undefined;
  readonly password: string | undefined;
  readonly customerId: string | undefined;
}

/** The fields of a new customer, or the 400 listing every problem. */
function readCustomer(body: JsonObject): CustomerFields | Reply {
  const errors: FieldError[] = [];
  const { email, phone_number: phone, type = 'customer', password, pin, customer_id: customerId } = body;
  if (email !== undefined && !isEmail(email)) errors.push({ field: 'email', message: 'must be an email address' });
  if (phone !== undefined && (typeof phone !== 'string' || !E164.test(phone))) {
    errors.push({ field: 'phone_number', message: 'must be an E.164 phone number' });
  }
  if (email === undefined && phone === undefined) errors.push({ field: 'email', message: 'or phone_number is required' });
  if (!isUserType(type)) errors.push({ field: 'type', message: "must be 'customer' or 'company'" });
  else if (type === 'company' && !isJsonObject(body['company'])) errors.push({ field: 'company', message: 'is required for type company' });
  for (const [field, value] of [['password', password], ['pin', pin]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length < 4 || value.length > 255)) {
      errors.push({ field, message: 'must be a string of 4 to 255 characters' });
    }
  }
  for (const field of ['first_name', 'last_name']) {
    const value = body[field];
    if (value !== undefined && (typeof value !== 'string' || value.length > 255)) errors.push({ field, message: 'must be a string of at most 255 characters' });
  }
  if (customerId !== undefined && (typeof customerId !== 'string' || customerId === '' || customerId.length > 100)) {
    errors.push({ field: 'customer_id', message: 'must be a string of 1 to 100 characters' });
  }
  for (const field of ['marketing_consent', 'attributes']) {
    if (body[field] !== undefined && !isJsonObject(body[field])) errors.push({ field, message: 'must be an object' });
  }
  if (errors.length > 0) return invalidBody(errors);
  return {
    type: type as EmulatorUserType,
    email: email as string | undefined,
    phone: phone as string | undefined,
    password: (password ?? pin) as string | undefined,
    customerId: customerId as string | undefined,
  };
}
