// "Said it was done, but it was not": the agent's own words claiming a completed outcome (a booking)
// while no function for it succeeded in that call, and failures the agent talked past. Phrase lists
// per language, defaults English and German, overridable in config (report.claims.<outcome>).
// The rules, with examples, are in docs/report.md.
import type { ReportConfig } from '../config/schema.js';
import type { NodeTransition, TranscriptUtterance } from '../retell/transcript.js';

export type PhraseLists = Record<string, string[]>;

export interface ClaimPhrases {
  /** Past-tense claims that the outcome happened. */
  phrases: PhraseLists;
  /** The agent taking a claim back. */
  corrections: PhraseLists;
  /** The agent telling the caller a failure happened (corrections count too). */
  acknowledgements: PhraseLists;
}

/** `…` (or `...`) in a phrase stands for up to six words: "ich habe … gebucht" matches "ich habe Sie für Montag gebucht". */
export const DEFAULT_BOOKED_PHRASES: ClaimPhrases = {
  phrases: {
    en: [
      "you're booked", 'you are booked', "you're all booked", "you're all set", 'you are all set', 'all set for', "i've booked", 'i have booked', 'i booked you',
      "i've scheduled", 'i have scheduled', "i've reserved", 'i have reserved', "i've made the booking", "i've made your appointment", 'has been booked', 'have been booked',
      'has been scheduled', 'appointment has been confirmed', 'appointment is confirmed', 'reservation is confirmed', 'is now booked', 'your appointment is booked', 'your appointment is set', 'booking is confirmed', 'successfully booked',
      "you're confirmed", 'you are confirmed', "you're scheduled", 'you are scheduled', "i've got you down", 'i have you down', "i've put you down",
    ],
    de: [
      'ihr termin ist gebucht', 'ist … gebucht', 'wurde … gebucht', 'ich habe … gebucht', 'habe ich … gebucht', 'ist … eingetragen', 'sind … eingetragen', 'wurde … eingetragen', 'ich habe … eingetragen',
      'habe ich … eingetragen', 'erfolgreich gebucht', 'erfolgreich eingetragen', 'termin ist bestätigt', 'termin wurde bestätigt', 'ich habe … reserviert', 'ist reserviert', 'wurde reserviert', 'ist fest gebucht',
      'buchung ist bestätigt', 'termin steht',
    ],
  },
  corrections: {
    en: [
      'did not go through', "didn't go through", 'has not gone through', "hasn't gone through", 'was not able to book', "wasn't able to book", 'could not book', "couldn't book",
      'unable to book', 'failed to book', 'booking failed', 'booking did not', "booking didn't", 'not actually booked', "isn't booked", 'is not booked', "aren't booked", 'are not booked',
      'not been booked', 'could not complete', "couldn't complete", 'could not be booked', "couldn't be booked", 'i apologize for the confusion', 'i was mistaken',
    ],
    de: [
      'nicht geklappt', 'nicht funktioniert', 'nicht gebucht', 'nicht eingetragen', 'nicht bestätigt', 'konnte … nicht … buchen', 'konnte … nicht … eintragen', 'buchung ist fehlgeschlagen',
      'fehlgeschlagen', 'nicht durchgegangen', 'nicht möglich', 'hat leider nicht', 'war ein fehler', 'entschuldigen sie das missverständnis', 'ich habe mich geirrt',
    ],
  },
  acknowledgements: {
    en: [
      'unfortunately', 'sorry', 'apologi', 'not available', "isn't available", 'not free', "isn't free", 'no longer available', 'is taken', 'already taken', 'fully booked', 'technical',
      'problem', 'issue', 'error', 'try again', 'another time', 'other times', 'a different time', 'instead', 'transfer you', 'call you back',
    ],
    de: [
      'leider', 'entschuldig', 'tut mir leid', 'nicht verfügbar', 'nicht frei', 'schon vergeben', 'bereits vergeben', 'ausgebucht', 'technisch', 'problem', 'fehler', 'erneut', 'noch einmal',
      'andere uhrzeit', 'anderen termin', 'andere zeit', 'stattdessen', 'verbinde sie', 'rufen sie zurück', 'zurückrufen',
    ],
  },
};

/** The phrases of one outcome: the defaults for `booked`, with each configured language replacing its default list. */
export function claimPhrases(outcome: string, config: ReportConfig = {}): ClaimPhrases {
  const base: ClaimPhrases = outcome === 'booked' ? DEFAULT_BOOKED_PHRASES : { phrases: {}, corrections: {}, acknowledgements: {} };
  const over = config.claims?.[outcome] ?? {};
  return {
    phrases: { ...base.phrases, ...(over.phrases ?? {}) },
    corrections: { ...base.corrections, ...(over.corrections ?? {}) },
    acknowledgements: { ...base.acknowledgements, ...(over.acknowledgements ?? {}) },
  };
}

interface CompiledPhrase {
  phrase: string;
  language: string;
  pattern: RegExp;
}

const GAP = /\s*(?:…|\.\.\.)\s*/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lowercase, straight apostrophes, single spaces: what phrases are matched against. */
export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc`´]/g, "'").replace(/\s+/g, ' ');
}

function compile(lists: PhraseLists): CompiledPhrase[] {
  const out: CompiledPhrase[] = [];
  for (const [language, phrases] of Object.entries(lists)) {
    for (const phrase of phrases) {
      const pieces = normalise(phrase).trim().split(GAP).filter(Boolean).map((piece) => escape(piece).replace(/ /g, '\\s+'));
      if (!pieces.length) continue;
      // A phrase starts and ends on a word edge only where it starts or ends with a letter (`apologi` is a stem).
      const body = pieces.join("\\s+(?:[^\\s.!?]+\\s+){0,6}?");
      out.push({ phrase, language, pattern: new RegExp(`(?<![\\p{L}\\p{N}'])${body}`, 'u') });
    }
  }
  return out;
}

/** Words that turn a claim into its opposite or a condition when they come before it in the sentence. */
const NEGATED = /(?<![\p{L}])(?:not|never|nicht|kein\p{L}*|nie)(?![\p{L}])|n't/u;
const CONDITIONAL = /(?<![\p{L}])(?:if|once|as soon as|before|wenn|sobald|falls|bevor|ob)(?![\p{L}])/u;

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
}

export interface ClaimMatch {
  /** The sentence as the agent said it. */
  sentence: string;
  phrase: string;
  language: string;
}

export class ClaimMatcher {
  private readonly claims: CompiledPhrase[];
  private readonly corrections: CompiledPhrase[];
  private readonly acknowledgements: CompiledPhrase[];

  constructor(phrases: ClaimPhrases) {
    this.claims = compile(phrases.phrases);
    this.corrections = compile(phrases.corrections);
    this.acknowledgements = [...this.corrections, ...compile(phrases.acknowledgements)];
  }

  /** The first sentence of `text` that claims the outcome: not a question, not negated, not conditional. */
  claim(text: string): ClaimMatch | undefined {
    for (const sentence of sentences(text)) {
      if (sentence.endsWith('?')) continue;
      const lower = normalise(sentence);
      for (const c of this.claims) {
        const m = c.pattern.exec(lower);
        if (!m) continue;
        const before = lower.slice(0, m.index);
        if (NEGATED.test(m[0]) || NEGATED.test(before) || CONDITIONAL.test(before)) continue;
        return { sentence, phrase: c.phrase, language: c.language };
      }
    }
    return undefined;
  }

  correction(text: string): ClaimMatch | undefined {
    return first(text, this.corrections);
  }

  acknowledgement(text: string): ClaimMatch | undefined {
    return first(text, this.acknowledgements);
  }
}

function first(text: string, list: CompiledPhrase[]): ClaimMatch | undefined {
  for (const sentence of sentences(text)) {
    const lower = normalise(sentence);
    const hit = list.find((c) => c.pattern.test(lower));
    if (hit) return { sentence, phrase: hit.phrase, language: hit.language };
  }
  return undefined;
}

/** One function call of the outcome (a booking attempt), in transcript order. */
export interface OutcomeAttempt {
  name: string;
  /** Position in transcript_with_tool_calls (Infinity when the call has no transcript: after everything). */
  index: number;
  succeeded: boolean;
  result: unknown;
  toolCallId?: string;
}

export interface AgentTurn {
  text: string;
  /** Index of its first and last piece in transcript_with_tool_calls. */
  index: number;
  lastIndex: number;
}

/** Consecutive agent pieces (Retell splits one answer around tool calls) as one turn; only pieces after `afterIndex`. */
export function agentTurns(utterances: readonly TranscriptUtterance[], afterIndex = -1): AgentTurn[] {
  const turns: AgentTurn[] = [];
  let open: AgentTurn | undefined;
  for (const u of utterances) {
    if (u.index <= afterIndex) continue;
    if (u.role !== 'agent') {
      open = undefined;
      continue;
    }
    if (open) {
      open.text = `${open.text.trimEnd()} ${u.content.trim()}`;
      open.lastIndex = u.index;
    } else {
      open = { text: u.content.trim(), index: u.index, lastIndex: u.index };
      turns.push(open);
    }
  }
  return turns.filter((t) => t.text.length > 0);
}

/** The node the call was in at transcript index `index`. */
export function nodeAt(transitions: readonly NodeTransition[], index: number): string | undefined {
  let node: string | undefined;
  for (const t of transitions) {
    if (t.index > index) break;
    node = t.newNodeName ?? t.newNodeId;
  }
  return node;
}

/** The nodes the call went through, in order (the start node first). */
export function nodePath(transitions: readonly NodeTransition[]): string[] {
  const path: string[] = [];
  for (const t of transitions) {
    if (!path.length && (t.formerNodeName ?? t.formerNodeId)) path.push((t.formerNodeName ?? t.formerNodeId)!);
    path.push(t.newNodeName ?? t.newNodeId);
  }
  return path;
}

export interface ClaimFinding {
  outcome: string;
  /** `unfulfilled`: nothing took it back; `recovered`: the agent corrected itself later in the call. */
  status: 'unfulfilled' | 'recovered';
  /** `claimed`: the agent said it was done; `failure-ignored`: a function failed and the agent went on without a word about it. */
  kind: 'claimed' | 'failure-ignored';
  /** The claim (for `claimed`), or the agent's next turn after the failure (for `failure-ignored`). */
  quote: string;
  phrase?: string;
  language?: string;
  /** The node the agent was in when it said it. */
  node?: string;
  correction?: string;
  /** The last failed attempt (absent when the agent claimed without any attempt). */
  failed?: { name: string; result: unknown; toolCallId?: string };
  attempts: number;
}

/**
 * Claims and ignored failures of one outcome in one call. Nothing is found when an attempt succeeded.
 * Claims are looked for in the agent turns after the last attempt (anywhere when there was none).
 */
export function findClaims(outcome: string, matcher: ClaimMatcher, utterances: readonly TranscriptUtterance[], transitions: readonly NodeTransition[], attempts: readonly OutcomeAttempt[]): ClaimFinding | undefined {
  if (attempts.some((a) => a.succeeded)) return undefined;
  const last = attempts.at(-1);
  const failed = last ? { name: last.name, result: last.result, ...(last.toolCallId ? { toolCallId: last.toolCallId } : {}) } : undefined;
  const after = last && Number.isFinite(last.index) ? last.index : -1;
  if (last && !Number.isFinite(last.index)) return undefined; // no transcript to read words from
  const turns = agentTurns(utterances, after);
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    const claim = matcher.claim(turn.text);
    if (!claim) continue;
    let correction: ClaimMatch | undefined;
    // The same turn may take it back after the claim ("..., sorry, it did not go through").
    const rest = turn.text.slice(turn.text.indexOf(claim.sentence) + claim.sentence.length);
    correction = matcher.correction(rest);
    for (let j = i + 1; !correction && j < turns.length; j++) correction = matcher.correction(turns[j]!.text);
    const node = nodeAt(transitions, turn.index);
    return {
      outcome,
      status: correction ? 'recovered' : 'unfulfilled',
      kind: 'claimed',
      quote: claim.sentence,
      phrase: claim.phrase,
      language: claim.language,
      ...(node ? { node } : {}),
      ...(correction ? { correction: correction.sentence } : {}),
      ...(failed ? { failed } : {}),
      attempts: attempts.length,
    };
  }
  if (!last || !turns.length) return undefined;
  // A failed attempt and no claim: did the agent tell the caller?
  if (turns.some((t) => matcher.acknowledgement(t.text))) return undefined;
  const node = nodeAt(transitions, turns[0]!.index);
  return { outcome, status: 'unfulfilled', kind: 'failure-ignored', quote: turns[0]!.text.length > 200 ? `${turns[0]!.text.slice(0, 199)}…` : turns[0]!.text, ...(node ? { node } : {}), failed: failed!, attempts: attempts.length };
}
