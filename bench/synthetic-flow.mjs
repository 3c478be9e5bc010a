// Synthetic flows for the benchmarks (bench:lint, bench:diff): deterministic, dashboard-shaped.
// Synthetic flows that look like dashboard exports: mostly conversation nodes with prompt edges,
// function nodes calling tools, logic splits with equations and an else edge, extract nodes, a few
// transfers and ends, global nodes, local components with an exit, canvas positions.

/** Deterministic PRNG (mulberry32): the same flow on every run and every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROMPTS = [
  'Caller wants to book a new appointment for a haircut or colour',
  'Caller asks about opening hours or the address of the salon',
  'Caller wants to reschedule or cancel an existing appointment',
  'Caller confirms the proposed date and time',
  'Caller declines and asks for a different time slot',
  'Caller has a question about prices or services',
];

export function syntheticFlow(nodeCount, seed = 1) {
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const toolCount = Math.max(2, Math.round(nodeCount / 25));
  const tools = Array.from({ length: toolCount }, (_, i) => ({
    type: 'custom',
    tool_id: `tool_${i}`,
    name: `function_${i}`,
    description: `Look up record ${i} in the booking system and return the result to the agent.`,
    url: `https://api.example.com/retell/functions/${i}`,
    method: 'POST',
    parameters: { type: 'object', properties: { customer_name: { type: 'string' }, date: { type: 'string' } }, required: ['customer_name'] },
    response_variables: { [`result_${i}`]: '$.result' },
    speak_during_execution: true,
    timeout_ms: 10000,
  }));
  const componentCount = Math.max(1, Math.round(nodeCount / 250));
  const componentSize = 8;
  const mainCount = nodeCount - componentCount * componentSize;
  const id = (i) => `node-${i}`;
  let edgeSeq = 0;
  const edge = (to, prompt = PROMPTS[int(PROMPTS.length)]) => ({
    id: `edge-${edgeSeq++}`,
    transition_condition: { type: 'prompt', prompt },
    destination_node_id: to,
  });
  const position = () => ({ x: int(20000), y: int(20000) });
  const forward = (i, span = 30) => id(Math.min(mainCount - 1, i + 1 + int(span)));
  // Every non-terminal node's first way on is the next node, so the whole flow is reachable.
  const next = (i) => id(Math.min(mainCount - 1, i + 1));

  const nodes = [];
  for (let i = 0; i < mainCount; i++) {
    const last = i === mainCount - 1;
    const r = rand();
    const base = { id: id(i), name: `Step ${i}`, display_position: position() };
    if (last || (r < 0.04 && i > 0)) {
      nodes.push({ ...base, type: 'end', instruction: { type: 'prompt', text: 'Thank the caller and say goodbye.' } });
    } else if (r < 0.06) {
      nodes.push({
        ...base,
        type: 'transfer_call',
        transfer_destination: { type: 'predefined', number: '+14155550123' },
        transfer_option: { type: 'cold_transfer' },
        edge: edge(next(i), 'Transfer failed'),
      });
    } else if (r < 0.2) {
      const t = int(toolCount);
      nodes.push({
        ...base,
        type: 'function',
        tool_id: `tool_${t}`,
        tool_type: 'local',
        wait_for_result: true,
        speak_during_execution: true,
        instruction: { type: 'static_text', text: 'One moment while I check that for you.' },
        edges: [{ id: `edge-${edgeSeq++}`, transition_condition: { type: 'equation', operator: '&&', equations: [{ left: `{{result_${t}}}`, operator: 'exists' }] }, destination_node_id: forward(i) }],
        else_edge: edge(next(i), 'Else'),
      });
    } else if (r < 0.3) {
      nodes.push({
        ...base,
        type: 'branch',
        edges: [{ id: `edge-${edgeSeq++}`, transition_condition: { type: 'equation', operator: '||', equations: [{ left: '{{service}}', operator: '==', right: 'haircut' }] }, destination_node_id: forward(i) }],
        else_edge: edge(next(i), 'Else'),
      });
    } else if (r < 0.35) {
      nodes.push({
        ...base,
        type: 'extract_dynamic_variables',
        variables: [{ type: 'string', name: 'service', description: 'The service the caller wants' }, { type: 'string', name: 'customer_name', description: "The caller's name" }],
        else_edge: edge(next(i), 'Else'),
      });
    } else if (r < 0.37 && componentCount > 0) {
      nodes.push({ ...base, type: 'component', component_id: `component-${int(componentCount)}`, component_type: 'local', else_edge: edge(next(i), 'Else') });
    } else {
      const out = [edge(next(i))];
      if (rand() < 0.6) out.push(edge(forward(i, 200)));
      // Real flows loop back through conversation nodes ("try another time"), which is fine: callers speak there.
      if (i > 10 && rand() < 0.15) out.push(edge(id(i - 1 - int(10)), 'Caller wants to start over'));
      nodes.push({
        ...base,
        type: 'conversation',
        instruction: { type: 'prompt', text: `Ask {{customer_name}} which service they want at {{salon_name}} and which day suits them best. Step ${i}.` },
        edges: out,
      });
    }
  }
  // A few global nodes with go-back conditions, as dashboards use for "speak to a human" and FAQs.
  for (let g = 0; g < Math.max(1, Math.round(nodeCount / 500)); g++) {
    const node = nodes[1 + int(mainCount - 2)];
    if (node.type !== 'conversation') continue;
    node.global_node_setting = {
      condition: 'Caller asks to speak with a real person at the salon',
      go_back_conditions: [{ id: `edge-${edgeSeq++}`, transition_condition: { type: 'prompt', prompt: 'Caller changes their mind and wants to continue' } }],
    };
  }
  const components = Array.from({ length: componentCount }, (_, c) => {
    const cid = (k) => `c${c}-node-${k}`;
    const cnodes = [];
    for (let k = 0; k < componentSize - 1; k++) {
      cnodes.push({
        id: cid(k),
        type: 'conversation',
        name: `Component ${c} step ${k}`,
        display_position: position(),
        instruction: { type: 'prompt', text: 'Answer the caller\'s question about the salon briefly.' },
        edges: [edge(cid(k + 1))],
      });
    }
    cnodes.push({ id: cid(componentSize - 1), type: 'end', name: 'Exit Component', display_position: position() });
    return { conversation_flow_component_id: `component-${c}`, name: `FAQ ${c}`, start_node_id: cid(0), nodes: cnodes };
  });
  return {
    conversation_flow_id: `conversation_flow_bench_${nodeCount}`,
    version: 1,
    start_speaker: 'agent',
    model_choice: { type: 'cascading', model: 'gpt-4.1' },
    global_prompt: 'You are the friendly receptionist of {{salon_name}}, a hair salon. Keep answers short.',
    default_dynamic_variables: { salon_name: 'Studio Lumen', customer_name: 'there', service: 'haircut' },
    start_node_id: id(0),
    tools,
    nodes,
    components,
  };
}
