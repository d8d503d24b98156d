import { check } from 'k6';
export default function () {
  check(null, { 'ok': true, 'throws': (v) => v.foo, 'never': true });
}
