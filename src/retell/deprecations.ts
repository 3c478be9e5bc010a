// Retell's deprecations that show in flow files, with the date of the notice or the SDK version of
// the rename (retell-reference §10). One table: the retell-deprecation rule reports these, and
// unknown-property leaves the renamed keys to it.

/** A key Retell renamed: the old key is still seen in exported files; Retell reads only the new one. */
export interface RenamedKey {
  /** Where it sits: the flow object itself, or a tool's predefined SMS content. */
  on: 'flow' | 'sms-content';
  from: string;
  to: string;
  since: string;
}

export const RENAMED_KEYS: readonly RenamedKey[] = [
  { on: 'flow', from: 'is_transfer_llm', to: 'is_transfer_cf', since: 'retell-sdk 5.66' },
  { on: 'sms-content', from: 'content', to: 'text', since: 'retell-sdk 5.66' },
];

/** Tools on conversation nodes move to subagent nodes. */
export const CONVERSATION_TOOLS_DEPRECATED = '2026-04-18';

/** Cal.com tool types, deprecated inside conversation flows. */
export const CAL_TOOL_TYPES: ReadonlySet<string> = new Set(['check_availability_cal', 'book_appointment_cal']);

/** Multi-prompt Retell LLMs (with `states`): none new from the first date, converted to flows from the second. */
export const MULTI_PROMPT_RETIRED = { noNew: '2026-12-15', converted: '2027-02-01' } as const;
