import type { Change } from './change.js';
import { CHANGE_KINDS, type ChangeKindId } from './kinds.js';
import { HIDDEN, hideSecrets } from './values.js';
import { SECRET_NAME as SECRET_FIELD } from '../pull/index.js';

export type ChangeInput = Omit<Change, 'kind' | 'severity' | 'defaultSeverity'>;

/** Where the comparers put their changes: the default severity comes from the one table. */
export class Changes {
  readonly list: Change[] = [];
  /** Set while comparing one flow of several, so each change names it. */
  flow?: string;

  add(kind: ChangeKindId, change: ChangeInput): Change {
    const severity = CHANGE_KINDS[kind].severity;
    const full: Change = { kind, severity, defaultSeverity: severity, ...(this.flow !== undefined && { flow: this.flow }), ...change };
    // Reports and PR comments never carry credentials: header values and secret-named fields are hidden.
    if (full.before !== undefined) full.before = hideSecrets(full.before);
    if (full.after !== undefined) full.after = hideSecrets(full.after);
    if (full.field && SECRET_FIELD.test(full.field) && (typeof full.before === 'string' || typeof full.after === 'string')) {
      if (typeof full.before === 'string') full.before = HIDDEN;
      if (typeof full.after === 'string') full.after = HIDDEN;
      delete full.words;
      // The message was written with the values in it: keep what changed, drop the values.
      const at = full.message.lastIndexOf(full.field);
      full.message = at >= 0 ? `${full.message.slice(0, at + full.field.length)} changed (values hidden)` : `${kind}: ${full.field} changed (values hidden)`;
    }
    this.list.push(full);
    return full;
  }
}
