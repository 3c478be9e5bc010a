import { z } from 'zod';

export const severitySetting = z.enum(['off', 'error', 'warning', 'info']);

/** A rule is set to a severity, or to [severity, options] when it takes options. */
export const ruleSetting = z.union([severitySetting, z.tuple([severitySetting, z.unknown()])]);

export const lintConfigSchema = z.strictObject({
  /** Per-rule severity or [severity, options]; unnamed rules keep their defaults. */
  rules: z.record(z.string(), ruleSetting).optional(),
  /** Tool names that some reachable node must be able to call. */
  requiredFunctions: z.array(z.string().min(1)).optional(),
  /** Dynamic variables your calls always carry (from create-phone-call or the inbound webhook). */
  variables: z.array(z.string().min(1)).optional(),
  /** Same as --max-warnings. -1 means no limit. */
  maxWarnings: z.number().int().min(-1).optional(),
});

// The serve section (functions, webhooks, inbound, tenants, server) is declared beside lint below.
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  lint: lintConfigSchema.optional(),
});

export type LintConfig = z.infer<typeof lintConfigSchema>;
export type RetellKitConfig = z.infer<typeof configSchema>;
export type RetellKitConfigInput = z.input<typeof configSchema>;
