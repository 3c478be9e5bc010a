import { get as getAt } from '../flow/pointer.js';
import { HttpError } from '../http/errors.js';
import validateFlow from '../validators/schema/flow-validator.js';
import * as bodies from './api-validator.js';
import type { BodyValidator } from './api-validator.js';

// Request bodies are checked against schemas generated from retell-sdk's own request types (the
// same source as lint's flow schema), precompiled by gen:schemas: no ajv at run time. A failure is
// a 400 with the first problem, its JSON path and what was expected, the way Retell answers.

export type BodyName = Exclude<keyof typeof bodies, 'default'>;

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

export function checkBody(name: BodyName, body: unknown): void {
  const validate = bodies[name] as BodyValidator;
  if (!validate(body)) throw invalid(validate.errors?.[0], body);
}

/** A whole conversation flow (create body, or the result of applying an update). */
export function checkFlow(flow: unknown): void {
  if (!validateFlow(flow)) throw invalid(validateFlow.errors?.[0], flow);
}

function invalid(error: SchemaError | undefined, body: unknown): HttpError {
  return new HttpError(400, error ? describe(error, body) : 'invalid request body', { code: 'invalid_request' });
}

const MAX_LISTED = 8;

/** `nodes/3/type: must be one of "conversation", "end", ... (got "stop")`, never ajv's schema paths. */
export function describe(error: SchemaError, body?: unknown): string {
  const text = describeOnly(error);
  if (body === undefined || error.keyword === 'required' || error.keyword === 'additionalProperties') return text;
  const value = getAt(body, error.instancePath);
  if (value === undefined) return text;
  const shown = JSON.stringify(value);
  return shown.length <= 60 ? `${text} (got ${shown})` : text;
}


function describeOnly(error: SchemaError): string {
  const where = error.instancePath === '' ? 'body' : error.instancePath.slice(1);
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return `${where}: missing required field "${String(p.missingProperty)}"`;
    case 'additionalProperty':
    case 'additionalProperties':
      return `${where}: unknown field "${String(p.additionalProperty)}"`;
    case 'type':
      return `${where}: must be ${String(p.type)}`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return allowed.length <= MAX_LISTED ? `${where}: must be one of ${allowed.join(', ')}` : `${where}: must be one of ${allowed.length} values (${allowed.slice(0, MAX_LISTED).join(', ')}, ...)`;
    }
    case 'const':
      return `${where}: must be ${JSON.stringify(p.allowedValue)}`;
    case 'discriminator':
      return `${where}: "${String(p.tag)}" ${p.error === 'mapping' ? 'names no known variant' : 'must be a string'}`;
    default:
      return `${where}: ${error.message ?? `fails ${error.keyword} ${JSON.stringify(p)}`}`;
  }
}
