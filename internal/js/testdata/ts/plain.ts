// Valid JavaScript in a .ts file: parsed as JS, no transform.
export default function () {}
