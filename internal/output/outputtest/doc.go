// Package outputtest holds a deterministic run's worth of batches (core and
// llm_* metrics, tags, metadata) that the output packages' tests feed
// through their outputs, with the totals a correct output must reproduce.
package outputtest
