import { afterAll } from 'vitest';
import { removeTempDirs } from './cli.js';

// Registered before each test file's own hooks, so it runs after them (vitest runs afterAll hooks as a
// stack): servers and children the file started are stopped before their folders go.
afterAll(() => removeTempDirs());
