import type { FunctionDefinition, InboundHandler, Tenant, TenantConfig, WebhookHandler } from './define.js';

/** The handler side of a config: what `serve` wraps and `replay` will call without HTTP. */
export interface HandlerConfig {
  functions?: Record<string, FunctionDefinition>;
  webhooks?: Partial<Record<string, WebhookHandler>>;
  inbound?: InboundHandler;
  tenants?: Record<string, TenantConfig>;
}

export interface ResolvedFunction {
  /** The configured name the call routed to (`book_appointment` for `book_appointment_v17`). */
  handler: string;
  definition: FunctionDefinition;
}

export interface HandlerRegistry {
  readonly functionNames: readonly string[];
  resolveFunction(name: string): ResolvedFunction | undefined;
  webhook(event: string): WebhookHandler | undefined;
  readonly inbound?: InboundHandler;
  /** The tenant for a call: keyed by the number that was dialled (ours: `to_number` inbound, `from_number` outbound). */
  resolveTenant(call: { to_number?: unknown; from_number?: unknown; direction?: unknown } | undefined): Tenant | undefined;
}

const VERSION_SUFFIX = /^(.+?)_v\d+$/;

/** Compare numbers by digits only, so "+1 (415) 555-0100" finds "+14155550100". */
export function normalizeNumber(number: string): string {
  const digits = number.replace(/[^\d]/g, '');
  return number.trim().startsWith('+') ? `+${digits}` : digits;
}

export function createRegistry(config: HandlerConfig): HandlerRegistry {
  const functions = new Map(Object.entries(config.functions ?? {}));
  const webhooks = config.webhooks ?? {};
  const tenants = new Map<string, Tenant>();
  let fallback: Tenant | undefined;
  for (const [number, tenant] of Object.entries(config.tenants ?? {})) {
    const resolved: Tenant = { ...tenant, id: tenant.id ?? number, number };
    if (number === 'default') fallback = resolved;
    else tenants.set(normalizeNumber(number), resolved);
  }
  return {
    functionNames: [...functions.keys()].sort(),
    resolveFunction(name) {
      const exact = functions.get(name);
      if (exact) return { handler: name, definition: exact };
      // Teams version tool names as they version agents; one handler serves them all.
      const base = VERSION_SUFFIX.exec(name)?.[1];
      const definition = base === undefined ? undefined : functions.get(base);
      return definition ? { handler: base!, definition } : undefined;
    },
    webhook: (event) => (Object.hasOwn(webhooks, event) ? webhooks[event] : undefined),
    inbound: config.inbound,
    resolveTenant(call) {
      if (!call) return fallback;
      const dialled = call.direction === 'outbound' ? call.from_number : call.to_number;
      if (typeof dialled === 'string') {
        const tenant = tenants.get(normalizeNumber(dialled));
        if (tenant) return tenant;
      }
      return fallback;
    },
  };
}
