import { z } from 'zod';
import { SEVERITY_WORDS } from './severity.js';
import type { ArgsSchema } from '../handlers/define.js';
import { isChangeKind } from '../diff/kinds.js';
import { WEBHOOK_EVENTS, type WebhookEventName } from '../retell/wire.js';

/** off | error | warning | warn | info: the words --rule accepts too (config/severity.ts). */
export const severitySetting = z.enum(SEVERITY_WORDS);

/** A rule is set to a severity, or to [severity, options] when it takes options. */
export const ruleSetting = z.union([severitySetting, z.tuple([severitySetting, z.unknown()])]);

export const lintConfigSchema = z.strictObject({
  /** Per-rule severity or [severity, options]; unnamed rules keep their defaults. */
  rules: z.record(z.string(), ruleSetting).optional(),
  /** Tool names that some reachable node must be able to call. */
  requiredFunctions: z.array(z.string().min(1)).optional(),
  /** Dynamic variables your calls always carry (from create-phone-call or the inbound webhook). */
  variables: z.array(z.string().min(1)).optional(),
  /** Tools whose handlers are safe to run twice, beyond functions declared with idempotent: true (max-retry-idempotent). */
  idempotentFunctions: z.array(z.string().min(1)).optional(),
  /** Same as --max-warnings. -1 means no limit. */
  maxWarnings: z.number().int().min(-1).optional(),
  /** Globs (relative to the config's folder) that lint never reads, as ESLint's `ignores`; `dir/` ignores a folder. */
  ignores: z.array(z.string().min(1)).optional(),
  /** Rules and settings for the files some globs match (relative to the config's folder); later entries win. */
  overrides: z
    .array(
      z.strictObject({
        files: z.array(z.string().min(1)).min(1),
        rules: z.record(z.string(), ruleSetting).optional(),
        requiredFunctions: z.array(z.string().min(1)).optional(),
        variables: z.array(z.string().min(1)).optional(),
      }),
    )
    .optional(),
});

const isFunction = (value: unknown): value is (...args: any[]) => unknown => typeof value === 'function';
const handlerFunction = z.custom<(...args: any[]) => unknown>(isFunction, { message: 'expected a function' });

/** A zod schema (or anything with zod's safeParse), checked by shape so a config's own zod copy works. */
const argsSchema = z.custom<ArgsSchema>((value) => typeof value === 'object' && value !== null && isFunction((value as { safeParse?: unknown }).safeParse), {
  message: 'expected a zod schema, e.g. z.object({ date: z.string() })',
});

export const functionDefinitionSchema = z.strictObject({
  args: argsSchema,
  handler: handlerFunction,
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  /** The answer when ctx.fetch gives up or the handler misses its timeout: a value or a function of the error. */
  fallback: z.unknown().optional(),
  /** Running it twice for the same call and args does no harm (lint's max_retry check reads this). */
  idempotent: z.boolean().optional(),
});

export const webhooksConfigSchema = z.strictObject(Object.fromEntries(WEBHOOK_EVENTS.map((event) => [event, handlerFunction.optional()])) as Record<WebhookEventName, z.ZodOptional<typeof handlerFunction>>);

export const tenantSchema = z.looseObject({
  id: z.string().min(1).optional(),
  variables: z.record(z.string(), z.string()).optional(),
});

export const serverConfigSchema = z.strictObject({
  /** The Retell API key that signs webhooks; prefer the RETELL_API_KEY environment variable. */
  apiKey: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  /** SQLite file (default .retell-kit/state.db), or a postgres:// URL for several replicas (DATABASE_URL also works). */
  store: z.string().min(1).optional(),
  /** Postgres connections per serve process (default 10). */
  storePoolSize: z.number().int().min(1).max(1000).optional(),
  /** Several replicas on Postgres: how long a replica holds a webhook event before another may take it over (default 30000 ms; renewed while it works). */
  eventLeaseMs: z.number().int().min(100).max(3_600_000).optional(),
  /** Folder for one recording per call. */
  record: z.string().min(1).optional(),
  /** Largest request body in bytes (default 5 MiB). */
  bodyLimit: z.number().int().min(1024).optional(),
  /** Timeout for functions that declare none (default 10000 ms). */
  functionTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  /** Requests per call id: a bucket of `burst` refilled at `perSecond`; false turns it off. */
  rateLimit: z.union([z.literal(false), z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().min(1) })]).optional(),
  /** The same for repeating webhook events (transcript_updated), a budget of their own; one-shot events are never limited. */
  webhookRateLimit: z.union([z.literal(false), z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().min(1) })]).optional(),
  redact: z
    .strictObject({
      /** Extra keys whose values are replaced by placeholders in logs and recordings. */
      fields: z.array(z.string().min(1)).optional(),
      phoneNumbers: z.boolean().optional(),
      names: z.boolean().optional(),
      /** Redact a call's stored events and traces once it is over (default true; answers are kept as sent, for retries). */
      atRest: z.boolean().optional(),
    })
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  /** Socket limits: how many connections at once, and how long a client may take to send headers and the request. */
  limits: z
    .strictObject({
      maxConnections: z.number().int().min(1).optional(),
      headersTimeoutMs: z.number().int().min(100).max(600_000).optional(),
      requestTimeoutMs: z.number().int().min(100).max(600_000).optional(),
      keepAliveTimeoutMs: z.number().int().min(0).max(600_000).optional(),
    })
    .optional(),
  /** How long the store keeps each kind of record (pruned in the background). */
  retention: z
    .strictObject({
      /** Function answers kept for retries (default 48). */
      answersHours: z.number().positive().optional(),
      /** Handled webhook events (default 14; false: for ever). */
      eventsDays: z.union([z.number().positive(), z.literal(false)]).optional(),
      /** Function traces (default 14; false: for ever). */
      tracesDays: z.union([z.number().positive(), z.literal(false)]).optional(),
      /** Handler key-value entries not written for this long (default false: never pruned). */
      kvDays: z.union([z.number().positive(), z.literal(false)]).optional(),
      /** transcript_updated: keep only the latest per call (default) or every one. */
      transcriptUpdates: z.enum(['latest', 'all']).optional(),
    })
    .optional(),
  /** ctx.fetch: retries within the caller's deadline, idempotency keys and per-host circuit breakers (docs/fetch.md). */
  fetch: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(10).optional(),
      retryBudgetPerCall: z.number().int().min(0).optional(),
      marginMs: z.number().int().min(0).max(60_000).optional(),
      attemptTimeoutMs: z.number().int().min(1).max(600_000).optional(),
      backoff: z.strictObject({ baseMs: z.number().int().min(0).optional(), capMs: z.number().int().min(0).optional() }).optional(),
      idempotencyHeader: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name such as Idempotency-Key').optional(),
      breaker: z
        .union([
          z.literal(false),
          z.strictObject({
            consecutiveFailures: z.number().int().min(1).optional(),
            window: z.union([z.literal(false), z.strictObject({ size: z.number().int().min(1), threshold: z.number().gt(0).max(1) })]).optional(),
            slowCallMs: z.union([z.literal(false), z.number().int().min(1)]).optional(),
            halfOpenAfterMs: z.number().int().min(0).optional(),
          }),
        ])
        .optional(),
    })
    .optional(),
  /** How long SIGTERM waits for running handlers before exiting 0 and leaving them to the next start (default 25000). */
  shutdownTimeoutMs: z.number().int().min(0).max(600_000).optional(),
});

export const replayConfigSchema = z.strictObject({
  /** Answer paths replay leaves out of comparisons: `booking_id`, `**.timestamp`, `slots[*].id`. */
  ignore: z.array(z.string().min(1)).optional(),
});

/** `retell-kit diff` settings: per change kind another severity (or off), and the default --fail-on. */
export const diffConfigSchema = z.strictObject({
  severity: z
    .record(z.string(), z.enum(['breaking', 'warning', 'info', 'off']))
    .superRefine((kinds, ctx) => {
      for (const kind of Object.keys(kinds)) {
        if (!isChangeKind(kind)) ctx.addIssue({ code: 'custom', path: [kind], message: 'not a change kind (retell-kit diff --list-changes lists them)' });
      }
    })
    .optional(),
  failOn: z.enum(['breaking', 'warning', 'any']).optional(),
});

/** How retell-kit reaches Retell's API (pull, diff, deploy). The key belongs in RETELL_API_KEY, not here. */
export const retellConfigSchema = z.strictObject({
  /** API base URL (default https://api.retellai.com; the emulator: http://127.0.0.1:8765). RETELL_BASE_URL wins. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.retellai.com or http://127.0.0.1:8765' }).optional(),
  /** Per-request timeout in ms (default 60000). */
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
  /** Retries of idempotent requests on 408/409/429/5xx and network errors (default 2). */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Parallel get-call requests when hydrating call lists (default 8). */
  concurrency: z.number().int().min(1).max(64).optional(),
});

const canaryMetric = z.enum(['call_successful', 'transferred', 'early_hangup', 'function_error']);
const duration = z.union([z.number().int().min(0), z.string().regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 30s, 10m, 2h or 1d')]);

/** `retell-kit deploy`: which numbers a deploy moves, and how. */
export const deployConfigSchema = z.strictObject({
  /** Phone numbers (E.164) whose inbound traffic a deploy binds to the new version (--number adds to or replaces these). */
  numbers: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number such as +14155550100')).optional(),
  /** The agent folder deployed when none is given (the layout `retell-kit pull` writes). */
  folder: z.string().min(1).optional(),
});

/** `retell-kit canary`: the verdict's method and watch's steps (docs/canary.md). */
export const canaryConfigSchema = z.strictObject({
  /** The primary metric (default call_successful). */
  primary: canaryMetric.optional(),
  /** Smallest difference that matters, in percentage points (default 5). */
  minEffect: z.number().gt(0).max(100).optional(),
  /** Error rate of each decision (default 0.05). */
  alpha: z.number().gt(0).lt(0.5).optional(),
  /** Power at minEffect, for callsNeeded (default 0.8). */
  power: z.number().gt(0.5).lt(1).optional(),
  /** Fewer calls than this on either side is "insufficient" (default 30). */
  minCalls: z.number().int().min(1).optional(),
  /** Metrics that fail the canary outright when worse (the primary always does). */
  critical: z.array(canaryMetric).optional(),
  /** A caller hang-up before this is an early hang-up (default 10s). */
  earlyHangup: duration.optional(),
  /** Median call duration: a canary slower than stable by more than this fraction is degraded when the test says so (default 0.2). */
  durationTolerance: z.number().gt(0).max(10).optional(),
  /** watch: the canary percentages to go through (default [5, 25, 50, 100]). */
  steps: z.array(z.number().gt(0).max(100)).min(1).optional(),
  /** watch: at least this long at each step before promoting (default 10m). */
  stepMinTime: duration.optional(),
  /** watch: at least this many canary calls at each step before promoting (default minCalls). */
  stepMinCalls: z.number().int().min(0).optional(),
  /** watch: how long an inconclusive step may wait (default 24h), then onInconclusive. */
  stepDeadline: duration.optional(),
  onInconclusive: z.enum(['pause', 'rollback']).optional(),
  /** watch: how often to check (default 1m). */
  interval: duration.optional(),
});


/** Phrases per language (`en`, `de`, ...): the defaults are kept for languages not given. */
const phraseLists = z.record(z.string().regex(/^[a-z]{2,3}$/, 'a language code such as en or de'), z.array(z.string().min(2)));

/** `retell-kit report`: which functions make an outcome, what the agent says about it, and alert thresholds (docs/report.md). */
export const reportConfigSchema = z.strictObject({
  /** Outcomes by name (`booked` by default): the functions that make one, and the test that they succeeded. */
  outcomes: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'an outcome name such as booked'),
      z.strictObject({
        /** Tool name globs (`book_*`, `enroll_class`); a `_v17`-style version suffix is ignored. */
        functions: z.array(z.string().min(1)).min(1),
        /** A result succeeded when this returns true, or when the value at `path` equals `equals` (default: no failure marker, see docs/report.md). */
        success: z.union([handlerFunction, z.strictObject({ path: z.string().min(1), equals: z.unknown().optional() })]).optional(),
      }),
    )
    .optional(),
  /** Per outcome: claims of completion, corrections of a claim, and acknowledgements of a failure, per language. */
  claims: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'an outcome name such as booked'),
      z.strictObject({ phrases: phraseLists.optional(), corrections: phraseLists.optional(), acknowledgements: phraseLists.optional() }),
    )
    .optional(),
  /** A caller hang-up before this is an early hang-up (default canary.earlyHangup, else 10s). */
  earlyHangup: duration.optional(),
  /** Spike detection (the rule is in docs/report.md). */
  spikes: z
    .strictObject({
      /** Function calls an hour needs before it can spike (default 20). */
      minSamples: z.number().int().min(1).optional(),
      /** Function calls the trailing baseline needs (default 50). */
      minBaseline: z.number().int().min(1).optional(),
      /** Hours of trailing baseline (default 24). */
      baselineHours: z.number().int().min(1).max(24 * 14).optional(),
    })
    .optional(),
  /** `report --alert`: exit 1 and a message for each threshold crossed. */
  alert: z
    .strictObject({
      /** Function error rate over all function calls, 0..1. */
      errorRate: z.number().min(0).max(1).optional(),
      /** p95 latency of any one function, ms. */
      p95Ms: z.number().min(0).optional(),
      /** Unfulfilled claims (said done, was not): more than this many crosses (default 0 when alert is set). */
      unfulfilledClaims: z.number().int().min(0).optional(),
      /** Booking conversion (booked / calls), 0..1: below this crosses. */
      minConversion: z.number().min(0).max(1).optional(),
      /** Early hang-up rate, 0..1. */
      earlyHangupRate: z.number().min(0).max(1).optional(),
      /** Any error or latency spike crosses (default false). */
      spikes: z.boolean().optional(),
      /** POST Slack-compatible JSON here when a threshold is crossed (may hold a token: never printed). */
      webhookUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    })
    .optional(),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  lint: lintConfigSchema.optional(),
  /** Custom functions by tool name, each from defineFunction({ args, handler, timeoutMs? }). */
  functions: z
    .record(z.string(), functionDefinitionSchema)
    .superRefine((functions, ctx) => {
      // Retell's tool names: a-z, A-Z, 0-9, _ and -, at most 64 (retell-reference §1.6).
      for (const name of Object.keys(functions)) {
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'a function name is letters, digits, _ or - (at most 64), like the tool name in your flow' });
      }
    })
    .optional(),
  /** Webhook handlers by event name. */
  webhooks: webhooksConfigSchema.optional(),
  /** Answers `call_inbound` (override agent, dynamic variables, metadata). */
  inbound: handlerFunction.optional(),
  /** Tenants keyed by the dialled number ("default" for the rest). */
  tenants: z.record(z.string().min(1), tenantSchema).optional(),
  server: serverConfigSchema.optional(),
  /** `retell-kit replay` settings. */
  replay: replayConfigSchema.optional(),
  retell: retellConfigSchema.optional(),
  diff: diffConfigSchema.optional(),
  deploy: deployConfigSchema.optional(),
  canary: canaryConfigSchema.optional(),
  /** `retell-kit report` settings. */
  report: reportConfigSchema.optional(),
});

export type LintConfig = z.infer<typeof lintConfigSchema>;
export type RetellKitConfig = z.infer<typeof configSchema>;
export type RetellKitConfigInput = z.input<typeof configSchema>;
export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type RetellConfig = z.infer<typeof retellConfigSchema>;
export type DeployConfig = z.infer<typeof deployConfigSchema>;
export type CanaryConfig = z.infer<typeof canaryConfigSchema>;
export type ReportConfig = z.infer<typeof reportConfigSchema>;
