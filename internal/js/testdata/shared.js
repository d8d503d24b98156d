import { SharedArray } from 'k6/data';
const data = new SharedArray('users', function () {
  console.log('building users');
  return [{ name: 'a', tags: ['x'] }, { name: 'b', tags: [] }];
});
export default function () {
  if (data.length !== 2 || data[1].name !== 'b' || data[0].tags[0] !== 'x') throw new Error('bad shared data');
  const names = [];
  for (const u of data) names.push(u.name);
  if (names.join() !== 'a,b') throw new Error('iteration ' + names.join());
  let threw = false;
  try { data[0] = 1; } catch (e) { threw = String(e).includes('SharedArray is immutable'); }
  if (!threw) throw new Error('write did not throw');
  let frozen = false;
  try { 'use strict'; data[0].name = 'z'; } catch (e) { frozen = true; }
  if (!frozen || data[0].name !== 'a') throw new Error('element not frozen');
}
