import { KitError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import type { Formatter } from './types.js';

export type { FormatContext, Formatter } from './types.js';

/** The one list of formats: --format, -o format=path, the help text and the unknown-format error all read it. */
const loaders = {
  stylish: () => import('./stylish.js'),
  json: () => import('./json.js'),
  sarif: () => import('./sarif.js'),
  github: () => import('./github.js'),
  junit: () => import('./junit.js'),
  gitlab: () => import('./gitlab.js'),
} as const;

export type FormatName = keyof typeof loaders;
export const FORMAT_NAMES = Object.keys(loaders) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return name in loaders;
}

/** For help texts: `stylish | json | sarif | github | junit`. */
export const FORMAT_CHOICES = FORMAT_NAMES.join(' | ');

export function unknownFormat(name: string): KitError {
  const near = suggest(name, FORMAT_NAMES);
  return new KitError('usage', `unknown format "${name}"`, { hint: near ? `did you mean "${near}"?` : `use one of ${FORMAT_NAMES.join(', ')}` });
}

export async function loadFormatter(name: string): Promise<Formatter> {
  if (!isFormatName(name)) throw unknownFormat(name);
  return (await loaders[name]()).default;
}
