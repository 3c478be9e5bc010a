import type { Formatter } from './types.js';

// SKELETON: to be implemented.
const junit: Formatter = () => '';

export default junit;
