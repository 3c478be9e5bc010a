import type { Formatter } from './types.js';

// SKELETON: to be implemented.
const sarif: Formatter = () => '';

export default sarif;
