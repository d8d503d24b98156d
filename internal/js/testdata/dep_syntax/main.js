import { x } from './broken.js';
export default function () { return x; }
