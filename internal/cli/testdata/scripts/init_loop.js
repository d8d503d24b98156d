// Init code that never ends: only a signal can stop it.
for (;;) {}
export default function () {}
