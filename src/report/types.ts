import type { Rule } from '../validators/rule.js';
import type { FileResult } from '../diagnostic.js';

export interface FormatContext {
  cwd: string;
  color: boolean;
  version: string;
  /** Every registered rule, for descriptions and help URLs. */
  rules: readonly Rule[];
  /** Findings hidden by --baseline. Most formats leave them out; SARIF lists them as suppressed. */
  suppressed?: readonly FileResult[];
}

/** A formatter is a pure function of the results: it returns text and prints nothing. */
export type Formatter = (results: readonly FileResult[], context: FormatContext) => string;
