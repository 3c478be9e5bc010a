import { SERVER_AGENT_KEYS } from '../pull/index.js';
import type { Changes } from './collect.js';
import type { ChangeKindId } from './kinds.js';
import { unionKeys } from './tools.js';
import { brief, isObject, same } from './values.js';
import { wordDiff } from './words.js';

type Raw = Record<string, unknown>;

/** Agent fields by what a change to them does. Anything else is agent-setting-changed. */
const GROUPS: Record<string, ChangeKindId> = {
  voice_id: 'agent-voice-changed',
  voice_model: 'agent-voice-changed',
  voice_temperature: 'agent-voice-changed',
  voice_speed: 'agent-voice-changed',
  volume: 'agent-voice-changed',
  fallback_voice_ids: 'agent-voice-changed',
  language: 'agent-language-changed',
  webhook_url: 'agent-webhook-changed',
  webhook_events: 'agent-webhook-changed',
  webhook_timeout_ms: 'agent-timing-changed',
  end_call_after_silence_ms: 'agent-timing-changed',
  max_call_duration_ms: 'agent-timing-changed',
  ring_duration_ms: 'agent-timing-changed',
  begin_message_delay_ms: 'agent-timing-changed',
  reminder_trigger_ms: 'agent-timing-changed',
  response_engine: 'agent-engine-changed',
  analysis_successful_prompt: 'agent-analysis-field-changed',
  analysis_summary_prompt: 'agent-analysis-field-changed',
  analysis_user_sentiment_prompt: 'agent-analysis-field-changed',
  post_call_analysis_model: 'agent-analysis-field-changed',
};

/** Server bookkeeping, and the flow an export carries (compared as a flow). */
const NOISE = new Set<string>([...SERVER_AGENT_KEYS, 'conversationFlow', 'conversation_flow', 'retellLlmData']);

/** Compare two agents' settings (not their flows). */
export function diffAgentSettings(a: Raw, b: Raw, out: Changes): void {
  const target = 'agent';
  for (const field of unionKeys(a, b)) {
    if (NOISE.has(field) || field.startsWith('_') || same(a[field], b[field])) continue;
    if (field === 'post_call_analysis_data') {
      diffAnalysisFields(a[field], b[field], out);
      continue;
    }
    const kind = GROUPS[field] ?? 'agent-setting-changed';
    const before = a[field];
    const after = b[field];
    if (kind === 'agent-engine-changed' && isObject(before) && isObject(after)) {
      // A pull folder and an export pin the same flow at different versions: say which part moved.
      const moved = unionKeys(before, after).filter((k) => !same(before[k], after[k]));
      // Each agent version pins its own flow version: the pin moving is bookkeeping, the flow's changes are listed with the flow.
      if (moved.length === 1 && moved[0] === 'version') {
        out.add('agent-setting-changed', { target, field: 'response_engine.version', message: `response engine pins flow version ${brief(before.version)} → ${brief(after.version)} (the flow's changes are listed under it)`, before: before.version, after: after.version });
        continue;
      }
      out.add(kind, { target, field, message: `response engine: ${moved.map((k) => `${k} ${brief(before[k])} → ${brief(after[k])}`).join(', ')}`, before, after });
      continue;
    }
    const words = typeof before === 'string' && typeof after === 'string' && (before.length > 80 || after.length > 80) ? { words: wordDiff(before, after) } : {};
    out.add(kind, { target, field, message: `${field} ${brief(before)} → ${brief(after)}`, before, after, ...words });
  }
}

function diffAnalysisFields(a: unknown, b: unknown, out: Changes): void {
  const byName = (list: unknown) => new Map((Array.isArray(list) ? list.filter(isObject) : []).map((f, i) => [typeof f.name === 'string' ? f.name : `#${i}`, f] as const));
  const fa = byName(a);
  const fb = byName(b);
  for (const [name, f] of fa) {
    const g = fb.get(name);
    const target = `agent/analysis:${name}`;
    if (!g) out.add('agent-analysis-field-removed', { target, field: 'post_call_analysis_data', message: `post-call analysis field "${name}" removed`, before: f });
    else if (!same(f, g)) {
      const parts = unionKeys(f, g).filter((k) => !same(f[k], g[k])).map((k) => `${k} ${brief(f[k], 50)} → ${brief(g[k], 50)}`);
      out.add('agent-analysis-field-changed', { target, field: 'post_call_analysis_data', message: `post-call analysis field "${name}": ${parts.join(', ')}`, before: f, after: g });
    }
  }
  for (const [name, g] of fb) {
    if (!fa.has(name)) out.add('agent-analysis-field-added', { target: `agent/analysis:${name}`, field: 'post_call_analysis_data', message: `post-call analysis field "${name}" added (${String(g.type ?? 'string')})`, after: g });
  }
}
