package output

// FlushAt is flushAt, for the tests.
const FlushAt = flushAt
