import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';

/** The server the global setup started (or RETELL_KIT_TEST_PG). */
export function pgServerUrl(): string {
  return inject('pgUrl');
}

/** A fresh, empty database on the test server; its URL. Dropped by the returned function. */
export async function freshDatabase(prefix = 'rk'): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = pgServerUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
