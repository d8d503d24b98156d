// Package e2e holds llmbench's end-to-end tests against servers it did not
// write: real inference served by ollama (or any OpenAI-compatible server,
// such as vLLM or llama.cpp) and the @copilotkit/aimock fault injector.
//
// The tests are behind the build tag e2e, so `make test` stays fast and
// needs no server. They build the llmbench binary, run the scripts in
// testdata/ through it and check what it reports against what the server
// itself says. The servers come from the environment:
//
//	LLMBENCH_E2E_BASE_URL         OpenAI API root of an inference server, e.g. http://127.0.0.1:11500/v1
//	LLMBENCH_E2E_MODEL            a fast model on it (default "tiny")
//	LLMBENCH_E2E_SLOW_MODEL       a slower model for the timing tests (default: LLMBENCH_E2E_MODEL)
//	LLMBENCH_E2E_SERIAL_BASE_URL  a server that runs one request at a time (OLLAMA_NUM_PARALLEL=1)
//	LLMBENCH_E2E_AIMOCK_URL       root of an aimock server started with --metrics and testdata/aimock
//
// A test whose server is not set skips with a message naming the variable.
// .ci/e2e.sh starts ollama and aimock on 127.0.0.1 and runs the tests;
// docs/e2e.md describes running them against another server.
package e2e
