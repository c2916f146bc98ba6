/* Per-call cost of libotelcolbridge from C (make bindings-bench; docs/en/bindings.md). */
#include <stdio.h>
#include <time.h>

#include "otelcolbridge.h"

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define BENCH(name, n, body)                                                       \
	do {                                                                           \
		double t0 = now();                                                         \
		for (int i = 0; i < (n); i++) { body; }                                    \
		printf("%-44s %8.2f us/call\n", name, (now() - t0) / (n) * 1e6);           \
	} while (0)

int main(void) {
	char *out, *findings, *err;
	int keep;
	printf("libotelcolbridge %s from C\n", otelcolbridge_version());
	otelcolbridge_redact("", "all", &out, NULL, &err); /* build and cache the engine */
	otelcolbridge_free(out);
	BENCH("otelcolbridge_version", 1000000, (void)otelcolbridge_version());
	BENCH("otelcolbridge_redact('', all) + free", 200000,
	      otelcolbridge_redact("", "all", &out, NULL, &err); otelcolbridge_free(out));
	BENCH("otelcolbridge_redact(short clean line) + findings", 200000,
	      otelcolbridge_redact("short clean line", "all", &out, &findings, &err);
	      otelcolbridge_free(out); otelcolbridge_free(findings));
	BENCH("otelcolbridge_redact(email + card line) + findings", 200000,
	      otelcolbridge_redact("user ana.souza@example.com paid with 4111 1111 1111 1111", "all", &out, &findings, &err);
	      otelcolbridge_free(out); otelcolbridge_free(findings));
	BENCH("otelcolbridge_keep_ratio(hex trace id, 0.1)", 200000,
	      otelcolbridge_keep_ratio((uint8_t *)"e4fef2be57feb7edb09d4245edbf79d3", 32, 0.1, 4, NULL, NULL, &keep, &err));
	return 0;
}
