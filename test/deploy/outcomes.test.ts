import { describe, expect, it } from 'vitest';
import { outcomesByVersion } from '../../src/outcomes/index.js';

const base = { agent_id: 'agent_a', call_status: 'ended', start_timestamp: 1_700_000_000_000 };

describe('outcomesByVersion', () => {
  it('joins on the frozen agent_version and counts each outcome', () => {
    const { versions, excluded } = outcomesByVersion([
      { ...base, agent_version: 1, duration_ms: 60_000, disconnection_reason: 'agent_hangup', call_analysis: { call_successful: true } },
      { ...base, agent_version: 1, duration_ms: 4_000, disconnection_reason: 'user_hangup', call_analysis: { call_successful: false } },
      { ...base, agent_version: 2, start_timestamp: base.start_timestamp + 5000, duration_ms: 90_000, disconnection_reason: 'call_transfer', call_analysis: { call_successful: true },
        transcript_with_tool_calls: [{ role: 'tool_call_result', tool_call_id: 't', content: 'x', successful: false }] },
      { ...base, agent_version: 2, duration_ms: 30_000, disconnection_reason: 'user_hangup', call_analysis: null },
      { ...base, agent_version: 2, call_status: 'not_connected', disconnection_reason: 'dial_no_answer', start_timestamp: 0 },
      { ...base, agent_version: 2, disconnection_reason: 'dial_busy' },
      { call_status: 'ended', start_timestamp: 1 },
    ]);
    expect(excluded).toEqual({ not_connected: 2, unattributed: 1 });
    expect(versions['agent_a@1']).toMatchObject({ calls: 2, analysed: 2, call_successful: 1, early_hangup: 1, transferred: 0, function_error: 0 });
    expect(versions['agent_a@2']).toMatchObject({ calls: 2, analysed: 1, call_successful: 1, early_hangup: 0, transferred: 1, function_error: 1, durations_ms: [90_000, 30_000] });
    expect(versions['agent_a@2']!.first_start).toBe(base.start_timestamp);
    expect(versions['agent_a@2']!.last_start).toBe(base.start_timestamp + 5000);
  });

  it('has nothing to say about no calls', () => {
    expect(outcomesByVersion([])).toEqual({ versions: {}, excluded: { not_connected: 0, unattributed: 0 } });
  });
});
