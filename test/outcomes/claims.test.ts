import { describe, expect, it } from 'vitest';
import { defaultSucceeded, globMatcher, outcomeRules, resultReportsError } from '../../src/outcomes/booking.js';
import { claimPhrases, ClaimMatcher, DEFAULT_BOOKED_PHRASES, findClaims, type OutcomeAttempt } from '../../src/outcomes/claims.js';
import type { TranscriptUtterance } from '../../src/retell/transcript.js';

const matcher = new ClaimMatcher(DEFAULT_BOOKED_PHRASES);

describe('claims of a completed booking (EN + DE defaults)', () => {
  const claims: [string, string][] = [
    ["Great, you're booked for Monday at noon.", 'en'],
    ['You’re all set for Tuesday at 3.', 'en'], // curly apostrophe
    ["I've booked you in with Ana.", 'en'],
    ['Your appointment has been booked.', 'en'],
    ['Perfect, all set for Friday!', 'en'],
    ['Ihr Termin ist gebucht: Montag um 9.', 'de'],
    ['Ich habe Sie für Montag um 15 Uhr eingetragen.', 'de'],
    ['Sie sind jetzt eingetragen.', 'de'],
    ['Der Termin wurde erfolgreich gebucht.', 'de'],
    ['Ich habe den Termin für Sie reserviert.', 'de'],
  ];
  for (const [text, language] of claims) {
    it(`claims: ${text}`, () => {
      expect(matcher.claim(text)?.language).toBe(language);
    });
  }

  const notClaims = [
    "You're not booked yet.",
    'Should I confirm that you are booked for Monday?', // a question
    "Once you confirm, you're all set for Monday.", // a condition
    "I haven't booked anything yet.",
    "I'll book that for you now.", // future
    'Let me check availability.',
    'Ihr Termin ist noch nicht gebucht.',
    'Ich habe Sie leider nicht eingetragen.',
    'Wenn Sie bestätigen, ist der Termin gebucht.',
    'Ich werde Sie jetzt eintragen.',
    'Der Slot um 10 ist leider schon vergeben.',
  ];
  for (const text of notClaims) {
    it(`does not claim: ${text}`, () => {
      expect(matcher.claim(text)).toBeUndefined();
    });
  }

  it('corrections, EN and DE', () => {
    expect(matcher.correction("Sorry, the booking did not go through.")?.language).toBe('en');
    expect(matcher.correction('Leider hat die Buchung nicht geklappt.')?.language).toBe('de');
    expect(matcher.correction('Ich konnte den Termin leider nicht buchen.')?.language).toBe('de');
    expect(matcher.correction('See you on Monday!')).toBeUndefined();
  });

  it('a configured language list replaces that language only; other outcomes start empty', () => {
    const phrases = claimPhrases('booked', { claims: { booked: { phrases: { en: ['locked in'] } } } });
    expect(phrases.phrases.en).toEqual(['locked in']);
    expect(phrases.phrases.de).toEqual(DEFAULT_BOOKED_PHRASES.phrases.de);
    const m = new ClaimMatcher(phrases);
    expect(m.claim("You're locked in for noon.")).toBeDefined();
    expect(m.claim("You're booked for noon.")).toBeUndefined();
    expect(claimPhrases('enrolled').phrases).toEqual({});
  });
});

function agent(content: string, index: number): TranscriptUtterance {
  return { role: 'agent', content, index };
}
function user(content: string, index: number): TranscriptUtterance {
  return { role: 'user', content, index };
}
const failed: OutcomeAttempt = { name: 'book_appointment_v17', index: 3, succeeded: false, result: { booked: false } };

describe('findClaims', () => {
  it('no finding when an attempt succeeded, whatever was said', () => {
    expect(findClaims('booked', matcher, [agent("You're booked!", 5)], [], [failed, { ...failed, index: 4, succeeded: true }])).toBeUndefined();
  });

  it('a claim after the last failed attempt is unfulfilled, with the failed result', () => {
    const f = findClaims('booked', matcher, [agent('One moment.', 2), agent("You're booked for noon.", 5)], [{ newNodeId: 'book', newNodeName: 'Book', index: 1 }], [failed]);
    expect(f).toMatchObject({ status: 'unfulfilled', kind: 'claimed', quote: "You're booked for noon.", node: 'Book', failed: { name: 'book_appointment_v17', result: { booked: false } }, attempts: 1 });
  });

  it('a claim before the attempt does not count (only turns after the last attempt)', () => {
    expect(findClaims('booked', matcher, [agent("You're booked.", 1), user('ok', 4)], [], [failed])).toBeUndefined();
  });

  it('a claim with no attempt at all is unfulfilled, without a failed result', () => {
    const f = findClaims('booked', matcher, [agent('I have booked you in.', 1)], [], []);
    expect(f).toMatchObject({ status: 'unfulfilled', kind: 'claimed', attempts: 0 });
    expect(f?.failed).toBeUndefined();
  });

  it('a later correction makes it recovered', () => {
    const f = findClaims('booked', matcher, [agent("You're booked.", 5), user('Really?', 6), agent('Leider hat die Buchung nicht geklappt.', 7)], [], [failed]);
    expect(f).toMatchObject({ status: 'recovered', correction: 'Leider hat die Buchung nicht geklappt.' });
  });

  it('pieces of one agent answer split around a tool call are read as one turn', () => {
    const f = findClaims('booked', matcher, [agent("You're", 5), agent('booked for Monday.', 6)], [], [failed]);
    expect(f?.quote).toBe("You're booked for Monday.");
  });

  it('a failure the agent talks past is failure-ignored; one it acknowledges is not a finding', () => {
    expect(findClaims('booked', matcher, [agent('Anything else I can do for you?', 5)], [], [failed])).toMatchObject({ kind: 'failure-ignored', status: 'unfulfilled' });
    expect(findClaims('booked', matcher, [agent('Unfortunately that time is taken. How about 10?', 5)], [], [failed])).toBeUndefined();
    expect(findClaims('booked', matcher, [agent('Das ist leider nicht frei.', 5)], [], [failed])).toBeUndefined();
    // The caller hung up right after the failure: the agent did not go on.
    expect(findClaims('booked', matcher, [user('bye', 5)], [], [failed])).toBeUndefined();
  });
});

describe('booking functions and their success test', () => {
  it('globs match with or without the version suffix, case-insensitively', () => {
    const m = globMatcher(['book_*', 'enroll_class']);
    expect(m('book_appointment_v17')).toBe(true);
    expect(m('enroll_class_v3')).toBe(true);
    expect(m('Enroll_Class')).toBe(true);
    expect(m('check_availability')).toBe(false);
    expect(m('rebook')).toBe(false);
  });

  it('the default rule is booked by name; configured outcomes come after it', () => {
    const rules = outcomeRules({ outcomes: { enrolled: { functions: ['enroll_*'] } } });
    expect(rules.map((r) => r.name)).toEqual(['booked', 'enrolled']);
    expect(rules[0]!.matches('schedule_visit')).toBe(true);
    expect(rules[0]!.matches('book_appointment_cal')).toBe(true);
  });

  it('the default test reads the answer (Retell hands it over as a string)', () => {
    expect(defaultSucceeded('{"booked":true,"booking_id":"b1"}')).toBe(true);
    expect(defaultSucceeded({ booked: false, reason: 'taken' })).toBe(false);
    expect(defaultSucceeded('{"success":false,"error":"Call context not available"}')).toBe(false);
    expect(defaultSucceeded({ status: 'failed' })).toBe(false);
    expect(defaultSucceeded('Appointment booked for Monday.')).toBe(true);
    // A business "no" is not a function error; an error is.
    expect(resultReportsError({ booked: false })).toBe(false);
    expect(resultReportsError({ success: true, data: { success: false } })).toBe(false);
    expect(resultReportsError({ error: 'timeout' })).toBe(true);
  });

  it('a configured test: a path and a value, or a function', () => {
    const [byPath] = outcomeRules({ outcomes: { booked: { functions: ['book*'], success: { path: 'data.status', equals: 'confirmed' } } } });
    expect(byPath!.succeeded('{"data":{"status":"confirmed"}}')).toBe(true);
    expect(byPath!.succeeded({ data: { status: 'pending' } })).toBe(false);
    const [byFn] = outcomeRules({ outcomes: { booked: { functions: ['book*'], success: (r: unknown) => (r as { id?: string }).id !== undefined } } });
    expect(byFn!.succeeded('{"id":"x"}')).toBe(true);
    expect(byFn!.succeeded('{}')).toBe(false);
  });
});
