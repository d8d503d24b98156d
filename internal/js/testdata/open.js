import { text as libText } from './imports/lib/opener.js';
const text = open('./data/hello.txt');
const bin = open('data/hello.txt', 'b');
export default function () {
  if (text !== 'hello from data\n') throw new Error('text ' + text);
  if (!(bin instanceof ArrayBuffer) || bin.byteLength !== 16) throw new Error('bin');
  if (libText !== text) throw new Error('lib open relative to its module: ' + libText);
}
export function meta() {
  if (!import.meta.url.endsWith('/testdata/open.js')) throw new Error('url ' + import.meta.url);
  if (!import.meta.resolve('./data/hello.txt').endsWith('/testdata/data/hello.txt')) throw new Error('resolve');
  if (open !== undefined && typeof open !== 'function') throw new Error('open');
}
