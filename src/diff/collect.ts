import type { Change } from './change.js';
import { CHANGE_KINDS, type ChangeKindId } from './kinds.js';

export type ChangeInput = Omit<Change, 'kind' | 'severity' | 'defaultSeverity'>;

/** Where the comparers put their changes: the default severity comes from the one table. */
export class Changes {
  readonly list: Change[] = [];
  /** Set while comparing one flow of several, so each change names it. */
  flow?: string;

  add(kind: ChangeKindId, change: ChangeInput): Change {
    const severity = CHANGE_KINDS[kind].severity;
    const full: Change = { kind, severity, defaultSeverity: severity, ...(this.flow !== undefined && { flow: this.flow }), ...change };
    this.list.push(full);
    return full;
  }
}
