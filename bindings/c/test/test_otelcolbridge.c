/* Exercises every function of libotelcolbridge, including bad input, from C. Run by
 * `make bindings-test` under valgrind: every output is freed, so any leak valgrind calls
 * "definitely lost" is the library's. Exit status 0 means every check passed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otelcolbridge.h"

static int failures;

#define CHECK(cond, ...)                                               \
	do {                                                               \
		if (!(cond)) {                                                 \
			failures++;                                                \
			fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                              \
			fputc('\n', stderr);                                       \
		}                                                              \
	} while (0)

/* Expects status want with no outputs and an error message, then frees the message. */
static void expect_error(const char *what, int got, int want, char *err) {
	CHECK(got == want, "%s: status %d (%s), want %d (%s); err=%s", what, got,
	      otelcolbridge_status_name(got), want, otelcolbridge_status_name(want), err ? err : "(null)");
	CHECK(err != NULL && err[0] != '\0', "%s: no error message", what);
	otelcolbridge_free(err);
}

static void test_version(void) {
	const char *v = otelcolbridge_version();
	CHECK(v != NULL && strcmp(v, "1.0.0") == 0, "version %s", v ? v : "(null)");
	CHECK(strcmp(otelcolbridge_status_name(OTELCOLBRIDGE_ERR_INVALID_UTF8), "OTELCOLBRIDGE_ERR_INVALID_UTF8") == 0, "status name");
	CHECK(strcmp(otelcolbridge_status_name(99), "unknown status") == 0, "unknown status name");
}

static void test_redact(void) {
	const char *text = "user ana.souza@example.com paid with 4111 1111 1111 1111";
	char *out = NULL, *findings = NULL, *err = NULL;
	int st = otelcolbridge_redact((char *)text, "all", &out, &findings, &err);
	CHECK(st == OTELCOLBRIDGE_OK, "redact status %d err %s", st, err ? err : "");
	CHECK(out && strcmp(out, "user **** paid with ****") == 0, "out=%s", out ? out : "(null)");
	CHECK(findings && strcmp(findings,
	      "[{\"detector\":\"email\",\"action\":\"mask\",\"start\":5,\"end\":26},"
	      "{\"detector\":\"credit_card\",\"action\":\"mask\",\"start\":37,\"end\":56}]") == 0,
	      "findings=%s", findings ? findings : "(null)");
	CHECK(err == NULL, "err set on success");
	otelcolbridge_free(out);
	otelcolbridge_free(findings);

	/* A JSON rules object: partial keeps the last characters, a custom rule masks group 1. */
	st = otelcolbridge_redact("card 4111111111111111 order-123456",
	      "{\"presets\":[\"pci\"],\"action\":\"partial\",\"keep_last\":4,"
	      "\"custom_rules\":[{\"name\":\"order\",\"pattern\":\"order-(\\\\d+)\",\"action\":\"mask\"}]}",
	      &out, &findings, &err);
	CHECK(st == OTELCOLBRIDGE_OK, "rules json status %d err %s", st, err ? err : "");
	CHECK(out && strcmp(out, "card ****1111 order-****") == 0, "out=%s", out ? out : "(null)");
	CHECK(findings && strstr(findings, "\"custom\":true") != NULL, "findings=%s", findings ? findings : "(null)");
	otelcolbridge_free(out);
	otelcolbridge_free(findings);

	/* Nothing to mask: the text comes back, findings is an empty array. */
	st = otelcolbridge_redact("nothing here", "secrets", &out, &findings, &err);
	CHECK(st == OTELCOLBRIDGE_OK && strcmp(out, "nothing here") == 0 && strcmp(findings, "[]") == 0, "clean text");
	otelcolbridge_free(out);
	otelcolbridge_free(findings);

	/* findings_json and err may be NULL when the caller does not want them. */
	st = otelcolbridge_redact("ana.souza@example.com", "pii", &out, NULL, NULL);
	CHECK(st == OTELCOLBRIDGE_OK && strcmp(out, "****") == 0, "NULL findings pointer");
	otelcolbridge_free(out);

	/* Bad input: an error code and a message, never a crash, never an output. */
	st = otelcolbridge_redact(NULL, "all", &out, &findings, &err);
	CHECK(out == NULL && findings == NULL, "outputs on NULL text");
	expect_error("NULL text", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_redact("x", NULL, &out, &findings, &err);
	expect_error("NULL preset", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_redact("x", "all", NULL, &findings, &err);
	expect_error("NULL out", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_redact("a\xff\xfe b", "all", &out, &findings, &err);
	CHECK(out == NULL, "output on invalid UTF-8");
	expect_error("invalid UTF-8", st, OTELCOLBRIDGE_ERR_INVALID_UTF8, err);
	st = otelcolbridge_redact("x", "nosuchpreset", &out, &findings, &err);
	expect_error("unknown preset", st, OTELCOLBRIDGE_ERR_INVALID_CONFIG, err);
	st = otelcolbridge_redact("x", "{\"presets\":[\"all\"],\"typo\":1}", &out, &findings, &err);
	expect_error("unknown JSON key", st, OTELCOLBRIDGE_ERR_INVALID_CONFIG, err);
	st = otelcolbridge_redact("x", "{\"presets\":", &out, &findings, &err);
	expect_error("truncated JSON", st, OTELCOLBRIDGE_ERR_INVALID_CONFIG, err);
	/* err NULL on failure: the status alone reports it. */
	CHECK(otelcolbridge_redact("x", "nosuchpreset", &out, NULL, NULL) == OTELCOLBRIDGE_ERR_INVALID_CONFIG, "NULL err");
}

static void test_keep_ratio(void) {
	/* Cases from bindings/testdata/keep_ratio.jsonl (decided by log_sampling's engine). */
	const char *hex = "e4fef2be57feb7edb09d4245edbf79d3"; /* ratio 0.5, precision 4: kept */
	int keep = -1;
	char *err = NULL;
	int st = otelcolbridge_keep_ratio((uint8_t *)hex, 32, 0.5, 4, NULL, NULL, &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && err == NULL && keep == 1, "keep_ratio status %d keep %d", st, keep);
	int keep_hex = keep;
	st = otelcolbridge_keep_ratio((uint8_t *)"597d1a4fe4d1d16b55249c61c6e44cfc", 32, 0.5, 4, NULL, NULL, &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == 0, "keep_ratio dropped: status %d keep %d", st, keep);
	/* The same id as 16 raw bytes gives the same decision. */
	uint8_t raw[16];
	for (int i = 0; i < 16; i++) sscanf(hex + 2 * i, "%2hhx", &raw[i]);
	st = otelcolbridge_keep_ratio(raw, 16, 0.5, 4, NULL, NULL, &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == keep_hex, "raw vs hex: %d vs %d", keep, keep_hex);
	/* Randomness 0x80000000000000 vs threshold of 0.5 (0x80000000000000): kept exactly at it;
	 * 0x7fffffffffffff is below: dropped. The trace id is ignored when randomness is given. */
	st = otelcolbridge_keep_ratio(raw, 16, 0.5, 4, "80000000000000", NULL, &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == 1, "rv at threshold kept: %d", keep);
	st = otelcolbridge_keep_ratio(raw, 16, 0.5, 4, "7fffffffffffff", NULL, &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == 0, "rv below threshold dropped: %d", keep);
	/* Ratio 1 keeps everything; no trace id is fine when randomness is given. */
	st = otelcolbridge_keep_ratio(NULL, 0, 1.0, 4, "00000000000000", NULL, &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == 1, "ratio 1 keeps");
	/* Arriving threshold 8 (50%) then ratio 0.5: 25% overall, so rv 0xa0... is dropped
	 * (threshold 0xc0...), rv 0xd0... kept. */
	st = otelcolbridge_keep_ratio(NULL, 0, 0.5, 4, "a0000000000000", "8", &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == 0, "proportional dropped");
	st = otelcolbridge_keep_ratio(NULL, 0, 0.5, 4, "d0000000000000", "8", &keep, &err);
	CHECK(st == OTELCOLBRIDGE_OK && keep == 1, "proportional kept");

	st = otelcolbridge_keep_ratio((uint8_t *)hex, 32, 0.0, 4, NULL, NULL, &keep, &err);
	expect_error("ratio 0", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio((uint8_t *)hex, 32, 1.5, 4, NULL, NULL, &keep, &err);
	expect_error("ratio 1.5", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio((uint8_t *)hex, 32, 0.5, 0, NULL, NULL, &keep, &err);
	expect_error("precision 0", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio((uint8_t *)hex, 31, 0.5, 4, NULL, NULL, &keep, &err);
	expect_error("31 hex digits", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio((uint8_t *)"zzfef2be57feb7edb09d4245edbf79d3", 32, 0.5, 4, NULL, NULL, &keep, &err);
	expect_error("bad hex", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio(NULL, 16, 0.5, 4, NULL, NULL, &keep, &err);
	expect_error("NULL trace id with length", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio(NULL, 0, 0.5, 4, NULL, NULL, &keep, &err);
	expect_error("no randomness", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio(raw, 16, 0.5, 4, "xyz", NULL, &keep, &err);
	expect_error("bad randomness", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio(raw, 16, 0.5, 4, "00000000000000", "8", &keep, &err);
	expect_error("inconsistent arriving threshold", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_keep_ratio(raw, 16, 0.5, 4, NULL, NULL, NULL, &err);
	expect_error("NULL keep", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
}

static uint8_t *read_file(const char *path, size_t *len) {
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n > 0 ? n : 1);
	*len = fread(b, 1, n, f);
	fclose(f);
	return b;
}

static void test_convert(const char *captures) {
	static const char *cases[][3] = {
		{"zipkin-go-json.zipkin-json", "zipkin-json", "\"traceId\""},
		{"jaeger-client-go-http.jaeger-thrift-binary", "jaeger-thrift-binary", "\"spanId\""},
		{"dd-trace-go-v04.datadog-v04", "datadog-v04", "\"resourceSpans\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", captures, cases[i][0]);
		size_t len = 0;
		uint8_t *data = read_file(path, &len);
		CHECK(data != NULL, "read %s", path);
		if (!data) continue;
		uint8_t *out = NULL;
		size_t out_len = 0;
		char *err = NULL;
		int st = otelcolbridge_convert((char *)cases[i][1], "otlp-json", data, len, &out, &out_len, &err);
		CHECK(st == OTELCOLBRIDGE_OK, "%s: status %d err %s", cases[i][0], st, err ? err : "");
		CHECK(out != NULL && out_len > 100, "%s: %zu bytes", cases[i][0], out_len);
		if (out) {
			char *s = malloc(out_len + 1);
			memcpy(s, out, out_len);
			s[out_len] = 0;
			CHECK(strncmp(s, "{\"resourceSpans\":[", 18) == 0 && strstr(s, cases[i][2]), "%s: %.60s", cases[i][0], s);
			free(s);
		}
		otelcolbridge_free(out);
		free(data);
	}
	uint8_t *out = (uint8_t *)1;
	size_t out_len = 7;
	char *err = NULL;
	int st = otelcolbridge_convert("zipkin-json", "otlp-json", (uint8_t *)"{not json", 9, &out, &out_len, &err);
	CHECK(out == NULL && out_len == 0, "outputs cleared on error");
	expect_error("garbage", st, OTELCOLBRIDGE_ERR_DECODE, err);
	st = otelcolbridge_convert("nope", "otlp-json", (uint8_t *)"[]", 2, &out, &out_len, &err);
	expect_error("unknown from", st, OTELCOLBRIDGE_ERR_UNSUPPORTED, err);
	st = otelcolbridge_convert("zipkin-json", "nope", (uint8_t *)"[]", 2, &out, &out_len, &err);
	expect_error("unknown to", st, OTELCOLBRIDGE_ERR_UNSUPPORTED, err);
	st = otelcolbridge_convert(NULL, "otlp-json", (uint8_t *)"[]", 2, &out, &out_len, &err);
	expect_error("NULL from", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_convert("zipkin-json", "otlp-json", NULL, 5, &out, &out_len, &err);
	expect_error("NULL data", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	st = otelcolbridge_convert("zipkin-json", "otlp-json", (uint8_t *)"[]", 2, NULL, &out_len, &err);
	expect_error("NULL out", st, OTELCOLBRIDGE_ERR_INVALID_ARGUMENT, err);
	/* An empty Zipkin list converts to an empty OTLP document. */
	st = otelcolbridge_convert("zipkin-json", "otlp-json", (uint8_t *)"[]", 2, &out, &out_len, &err);
	CHECK(st == OTELCOLBRIDGE_OK && out != NULL, "empty list: %d %s", st, err ? err : "");
	otelcolbridge_free(out);
}

/* Several threads redact and decide at once; each checks its own answers. */
static void *worker(void *arg) {
	long id = (long)arg;
	for (int i = 0; i < 200; i++) {
		char text[128];
		snprintf(text, sizeof text, "t%ld-%d mail ana.souza@example.com token ghp_%036d", id, i, i);
		char *out = NULL, *findings = NULL, *err = NULL;
		int st = otelcolbridge_redact(text, (i % 2) ? "all" : "secrets", &out, &findings, &err);
		if (st != OTELCOLBRIDGE_OK || strstr(out, "ghp_") != NULL || ((i % 2) && strstr(out, "ana.souza"))) {
			__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
			fprintf(stderr, "thread %ld: %d %s\n", id, st, out ? out : err);
		}
		otelcolbridge_free(out);
		otelcolbridge_free(findings);
		otelcolbridge_free(err);
	}
	return NULL;
}

static void test_threads(void) {
	pthread_t th[8];
	for (long i = 0; i < 8; i++) pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
}

int main(int argc, char **argv) {
	const char *captures = argc > 1 ? argv[1] : "components/convert/testdata/captures";
	test_version();
	test_redact();
	test_keep_ratio();
	test_convert(captures);
	test_threads();
	otelcolbridge_free(NULL); /* free(NULL) is a no-op, as in C */
	if (failures) {
		fprintf(stderr, "%d checks failed\n", failures);
		return 1;
	}
	printf("libotelcolbridge %s: all C checks passed\n", otelcolbridge_version());
	return 0;
}
