import { existsSync } from 'node:fs';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/flow/graph.js';
import { loadFile } from '../../src/flow/load.js';
import { computeCoverage, graphFile, loadCallPaths, type CallPath } from '../../src/graph/index.js';
import type { NodeTransition } from '../../src/retell/transcript.js';
import { ROOT } from '../helpers/cli.js';

const FLOW = 'fixtures/graph/salon-flow.json';

async function graph() {
  const loaded = await loadFile(FLOW, ROOT);
  return buildGraph(loaded.flows[0]!, loaded.path);
}

/** A call through `ids` (begin first), one transition a second apart. */
function path(callId: string, ids: string[], extra: Partial<NodeTransition>[] = []): CallPath {
  const transitions = ids.map((id, i) => ({ formerNodeId: i === 0 ? 'begin' : ids[i - 1], newNodeId: id, index: i, timeSec: i, ...extra[i] }));
  return { callId, transitions, durationSec: ids.length + 10 };
}

describe('graph: coverage', () => {
  it('counts calls per node and edge from the fixture calls, and finds where they got stuck', async () => {
    const g = await graph();
    const c = computeCoverage(g, await loadCallPaths(['fixtures/graph/calls'], ROOT));
    const node = (id: string) => c.nodes.get(`flow/node:${id}`) ?? c.nodes.get(`component:comp_verify/node:${id}`);
    expect(node('greeting')).toMatchObject({ calls: 7, ended: 1, stuck: 1 });
    expect(node('check')).toMatchObject({ calls: 4, ended: 1, stuck: 1 });
    expect(node('book')!.calls).toBe(4);
    expect(node('goodbye')).toMatchObject({ calls: 4, ended: 4, stuck: 0 });
    // The transfer ended its call: handed off, not stuck.
    expect(node('desk')).toMatchObject({ calls: 1, ended: 1, stuck: 0 });
    expect(node('no_slot')!.calls).toBe(0);
    expect(c.edges.get('flow/node:greeting/edge:e_greet_check')).toBe(3);
    expect(c.edges.get('flow/node:check/edge:e_check_book')).toBe(3);
    expect(c.edges.get('flow/node:book/edge:e_book_bye')).toBe(4);
    expect(c.edges.get('flow/node:check/else')).toBe(0);
    // Out of the component: the component node's edge to "check" was the one taken.
    expect(c.edges.get('flow/node:verify/edge:e_verify_book')).toBe(1);
    expect(c.componentEntries.get('flow/node:verify')).toBe(1);
    // Into a global node from anywhere: its entry, not an edge of greeting.
    expect(c.globalEntries.get('flow/node:human/global')).toBe(1);
    expect(c.summary).toMatchObject({ calls: 8, counted: 7, nodesReached: 9, nodesTotal: 11, edgesTaken: 8, edgesTotal: 15, unreached: ['no_slot', 'end'], unexplained: 0 });
    expect(c.summary.stuck).toEqual([
      { nodeId: 'check', name: 'Check availability', calls: 1 },
      { nodeId: 'greeting', name: 'Greeting', calls: 1 },
    ]);
    // check: 3.5 + 3 s on the booked calls, 62 s on the call that hung up there.
    expect(c.summary.longest).toMatchObject({ nodeId: 'check' });
    expect(c.summary.longest!.meanSec).toBeCloseTo((3.5 + 3.5 + 62 + 4) / 4, 5);
  });

  it('sets calls of another flow apart and says which node ids it did not know', async () => {
    const c = computeCoverage(await graph(), await loadCallPaths(['fixtures/graph/calls/call_graph_other_flow.json'], ROOT));
    expect(c.summary.counted).toBe(0);
    expect(c.summary.foreign).toEqual([{ callId: 'call_graph_other_flow', file: 'fixtures/graph/calls/call_graph_other_flow.json', unknownNodeIds: ['node_welcome', 'node_collect_claim'], kind: 'other-flow' }]);
    expect(c.summary.nodesReached).toBe(0);
  });

  it('a call of another version (some ids known, one not) is left out too, as another version', () => {
    return graph().then((g) => {
      const c = computeCoverage(g, [path('v_old', ['greeting', 'check', 'old_confirm'])]);
      expect(c.summary.foreign).toEqual([{ callId: 'v_old', unknownNodeIds: ['old_confirm'], kind: 'other-version' }]);
      expect(c.nodes.get('flow/node:greeting')!.calls).toBe(0);
    });
  });

  it('reads recordings (serve --record) through the same loader', async () => {
    const c = computeCoverage(await graph(), await loadCallPaths(['fixtures/recordings/call_fixture_recorded.json'], ROOT));
    // The recorded call went greeting -> check -> book and the recording ends there: stuck at book.
    expect(c.summary).toMatchObject({ calls: 1, counted: 1, foreign: [] });
    expect(c.edges.get('flow/node:check/edge:e_check_book')).toBe(1);
    expect(c.summary.stuck).toEqual([{ nodeId: 'book', name: 'Book appointment', calls: 1 }]);
  });

  it('counts the start node for every call, even when the transcript does not record entering it', async () => {
    const c = computeCoverage(await graph(), [{ callId: 'x', transitions: [{ formerNodeId: 'greeting', newNodeId: 'book', index: 0, timeSec: 3 }] }]);
    expect(c.nodes.get('flow/node:greeting')!.calls).toBe(1);
    expect(c.edges.get('flow/node:greeting/edge:e_greet_book')).toBe(1);
  });

  it('counts a call once per node and edge, however often it loops', async () => {
    const c = computeCoverage(await graph(), [path('loop', ['greeting', 'verify', 'verify_ask', 'verify_done', 'check', 'no_slot', 'goodbye'])]);
    expect(c.nodes.get('flow/node:greeting')!.calls).toBe(1);
    const twice = computeCoverage(await graph(), [path('l2', ['greeting', 'check', 'book', 'desk'])]);
    expect(twice.nodes.get('flow/node:desk')).toMatchObject({ calls: 1, stuck: 0 });
  });

  it('a call without node transitions is reported, not drawn', async () => {
    const c = computeCoverage(await graph(), [{ callId: 'single_prompt', transitions: [] }]);
    expect(c.summary.withoutTransitions).toEqual([{ callId: 'single_prompt' }]);
    expect(c.summary.counted).toBe(0);
  });

  it('a transition no edge explains is counted as unexplained', async () => {
    const c = computeCoverage(await graph(), [path('jump', ['greeting', 'goodbye'])]);
    expect(c.summary.unexplained).toBe(1);
  });

  it('the model carries the marks: edge calls and node coverage', async () => {
    const model = await graphFile(FLOW, { cwd: ROOT, coverage: ['fixtures/graph/calls'] });
    expect(model.coverage!.counted).toBe(7);
    expect(model.nodes.find((n) => n.id === 'check')!.coverage).toMatchObject({ calls: 4, stuck: 1, longest: true });
    expect(model.nodes.filter((n) => n.coverage?.longest)).toHaveLength(1);
    expect(model.edges.find((e) => e.key === 'flow/node:book/edge:e_book_bye')!.calls).toBe(4);
    const enter = model.edges.find((e) => e.kind === 'component-enter')!;
    expect(enter.calls).toBe(1);
  });

  const realWorld = nodePath.resolve(ROOT, '../shared/real-world');
  const realCall = nodePath.join(realWorld, 'fabianSp77__askproai-api__latest_test_call_analysis.json');
  it.skipIf(!existsSync(realCall))('the real call beside the project is from another version of the public friseur1 flow: left out, its unknown node named', async () => {
    const model = await graphFile(nodePath.join(realWorld, 'fabianSp77__askproai-api__friseur1_flow_v43_availability_fix.json'), { cwd: ROOT, coverage: [realCall] });
    expect(model.coverage!.counted).toBe(0);
    expect(model.coverage!.foreign).toEqual([expect.objectContaining({ kind: 'other-version', unknownNodeIds: ['func_check_availability_auto_74b489af'] })]);
  });
});
