import type { Formatter } from './types.js';

// SKELETON: to be implemented.
const github: Formatter = () => '';

export default github;
