/**
 * The flows inside a parsed document, whatever shape Retell users keep them in (a bare flow, an agent
 * export, a list of either), and a problem for each part that is not one. Its own module: the lint
 * assist's worker (validators/assist-worker.ts) needs it without the file walking of load.ts.
 */
import { recognise, type NotAFlow, type Recognised } from '../retell/wire.js';
import type { Range } from './source.js';

/** One conversation flow found inside a file, with the pointer to where it sits. */
export interface FlowInput {
  /** Pointer of the flow object inside the file: '' for a bare flow, '/conversationFlow' for an agent export. */
  pointer: string;
  value: Record<string, unknown>;
  /** conversation_flow_id when the flow has one, else the pointer: stable across reformatting. */
  flowId: string;
  /** What kind of wrapper carried the flow: used in messages. */
  shape: FlowShape;
}

export type FlowShape = 'flow' | 'agent-export' | 'list-element';

/**
 * Something the loader finds before any rule runs: data only. Which rule reports it, and in what
 * words, is decided by one table (validators/loader-problems.ts).
 */
export type LoaderProblem =
  | { kind: 'syntax'; pointer: ''; message: string; range: Range }
  /** Bytes that are not UTF-8 text: a UTF-16 file (PowerShell's `>` and Notepad's "Unicode" write these). */
  | { kind: 'encoding'; pointer: ''; encoding: 'UTF-16LE' | 'UTF-16BE'; range: Range }
  | { kind: 'not-an-object'; pointer: string; found: string }
  /** A Retell object that is not a flow: what the recogniser made of it. */
  | { kind: 'not-a-flow'; pointer: string; what: NotAFlow }
  | { kind: 'empty-list'; pointer: string }
  | { kind: 'unrecognised'; pointer: string; keys: string[] };

function flowIdOf(value: Record<string, unknown>, pointer: string): string {
  const id = value.conversation_flow_id;
  // Without the version: a baseline must survive publishing the next version of the same flow.
  if (typeof id === 'string' && id) return id;
  return pointer === '' ? '#' : `#${pointer}`;
}

/** The flow(s) inside any shape Retell users have on disk, and a problem for each part that is not one. */
export function findFlows(value: unknown): { flows: FlowInput[]; problems: LoaderProblem[] } {
  const flows: FlowInput[] = [];
  const problems: LoaderProblem[] = [];
  const addFlow = (flow: Record<string, unknown>, pointer: string, shape: FlowShape): void => {
    flows.push({ pointer, value: flow, flowId: flowIdOf(flow, pointer), shape });
  };
  const visit = (doc: Recognised, inList: boolean): void => {
    switch (doc.kind) {
      case 'flow':
        return addFlow(doc.flow, doc.pointer, inList ? 'list-element' : 'flow');
      case 'agent-export':
        return addFlow(doc.flow, doc.flowPointer, 'agent-export');
      case 'list':
        if (doc.items.length === 0) problems.push({ kind: 'empty-list', pointer: doc.itemsPointer });
        for (const item of doc.items) visit(item, true);
        return;
      case 'not-an-object':
        problems.push({ kind: 'not-an-object', pointer: doc.pointer, found: doc.found });
        return;
      case 'unrecognised':
        problems.push({ kind: 'unrecognised', pointer: doc.pointer, keys: doc.keys });
        return;
      default:
        problems.push({ kind: 'not-a-flow', pointer: doc.pointer, what: doc });
    }
  };
  visit(recognise(value), false);
  return { flows, problems };
}
