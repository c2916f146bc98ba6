"""unittest suite of the Python bindings: run by `make bindings-test` with
OTELCOLBRIDGE_LIB pointing at the built library. The expectations in bindings/testdata are
written by the Go tests (bindings/internal/bridge) from the code the gateway runs."""

import io
import json
import logging
import os
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))

import otelcolbridge as ob  # noqa: E402

TESTDATA = os.path.join(ROOT, "bindings", "testdata")
CORPUS = os.path.join(ROOT, "components", "pii", "testdata", "corpus.jsonl")
CAPTURES = os.path.join(ROOT, "components", "convert", "testdata", "captures")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def sort_key_value_lists(v):
    """The canonical form the Go test wrote: every list of {"key": ...} sorted by key."""
    if isinstance(v, dict):
        return {k: sort_key_value_lists(e) for k, e in v.items()}
    if isinstance(v, list):
        v = [sort_key_value_lists(e) for e in v]
        if v and all(isinstance(e, dict) and isinstance(e.get("key"), str) for e in v):
            v.sort(key=lambda e: e["key"])
        return v
    return v


class CorpusTest(unittest.TestCase):
    def test_redaction_matches_go_byte_for_byte(self):
        texts = [l["text"] for l in read_jsonl(CORPUS)]
        cases = read_jsonl(os.path.join(TESTDATA, "redact.jsonl"))
        self.assertGreaterEqual(len(cases), 2 * len(texts))
        masked = 0
        for c in cases:
            text = texts[c["line"]]
            res = ob.redact(text, c["config"])
            self.assertEqual(res.text.encode("utf-8"), c["out"].encode("utf-8"), f"line {c['line']} config {c['config']}")
            want = [ob.Finding(**f) for f in c["findings"]]
            self.assertEqual(list(res.findings), want, f"line {c['line']}")
            # Offsets are bytes of the UTF-8 input and cover what was replaced.
            raw = text.encode("utf-8")
            for f in res.findings:
                if not f.custom:
                    self.assertLess(f.start, f.end)
                    self.assertLessEqual(f.end, len(raw))
            masked += res.text != text
        # Positives and negatives both occur: a binding returning its input would fail above.
        self.assertGreater(masked, 500)

    def test_keep_ratio_matches_log_sampling(self):
        cases = read_jsonl(os.path.join(TESTDATA, "keep_ratio.jsonl"))
        for c in cases:
            args = (c["trace_id"], c["ratio"], c["precision"], c.get("randomness"), c.get("threshold"))
            if c["status"]:
                with self.assertRaises(ob.BridgeError) as cm:
                    ob.keep_ratio(*args)
                self.assertEqual(cm.exception.status, c["status"])
                continue
            self.assertEqual(ob.keep_ratio(*args), c["keep"], c)
            self.assertEqual(ob.keep_ratio(bytes.fromhex(c["trace_id"]), *args[1:]), c["keep"], c)

    def test_convert_matches_go(self):
        for capture, fmt in [("zipkin-go-json.zipkin-json", "zipkin-json"),
                             ("jaeger-client-go-http.jaeger-thrift-binary", "jaeger-thrift-binary"),
                             ("dd-trace-go-v04.datadog-v04", "datadog-v04")]:
            with open(os.path.join(CAPTURES, capture), "rb") as f:
                out = ob.convert(f.read(), fmt, "otlp-json")
            with open(os.path.join(TESTDATA, "convert", capture + ".otlp.json"), encoding="utf-8") as f:
                want = json.load(f)
            self.assertEqual(sort_key_value_lists(json.loads(out)), want, capture)


class ApiTest(unittest.TestCase):
    def test_version(self):
        self.assertEqual(ob.version(), "1.0.0")

    def test_redact_findings(self):
        res = ob.redact("mail ana.souza@example.com", "pii")
        self.assertEqual(res.text, "mail ****")
        self.assertEqual(res.findings, (ob.Finding("email", "mask", 5, 26),))

    def test_offsets_are_utf8_bytes(self):
        text = "naïve ana.souza@example.com"
        f = ob.redact(text, "pii").findings[0]
        self.assertEqual(text.encode()[f.start:f.end], b"ana.souza@example.com")

    def test_rules_dict(self):
        rules = {"presets": ["pci"], "action": "partial", "keep_last": 4, "mask": "#"}
        self.assertEqual(ob.redact_text("card 4111111111111111", rules), "card #1111")

    def test_bad_input_raises(self):
        with self.assertRaises(ob.InvalidConfig):
            ob.redact("x", "nosuchpreset")
        with self.assertRaises(ob.InvalidConfig):
            ob.redact("x", {"presets": ["all"], "typo": 1})
        with self.assertRaises(ob.BridgeError) as cm:
            ob.redact(b"a\xffb", "all")
        self.assertEqual(cm.exception.status, ob.ERR_INVALID_UTF8)
        with self.assertRaises(ob.BridgeError) as cm:
            ob.redact("lone \ud800 surrogate", "all")
        self.assertEqual(cm.exception.status, ob.ERR_INVALID_UTF8)
        with self.assertRaises(ob.InvalidArgument):
            ob.redact("nul\0byte", "all")
        with self.assertRaises(ob.InvalidArgument):
            ob.keep_ratio("00", 0.5)
        with self.assertRaises(ob.InvalidArgument):
            ob.keep_ratio(None, 0.5)
        with self.assertRaises(ob.InvalidArgument):
            ob.keep_ratio("e4fef2be57feb7edb09d4245edbf79d3", 0)
        with self.assertRaises(ob.BridgeError) as cm:
            ob.convert(b"{not json", "zipkin-json")
        self.assertEqual(cm.exception.status, ob.ERR_DECODE)
        with self.assertRaises(ob.BridgeError) as cm:
            ob.convert(b"[]", "nope")
        self.assertEqual(cm.exception.status, ob.ERR_UNSUPPORTED)

    def test_threads(self):
        errors = []

        def work(n):
            for i in range(300):
                res = ob.redact(f"t{n}-{i} ana.souza@example.com", "all" if i % 2 else "pii")
                if res.text != f"t{n}-{i} ****":
                    errors.append(res.text)
                if ob.keep_ratio("e4fef2be57feb7edb09d4245edbf79d3", 0.5) is not True:
                    errors.append("keep_ratio")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


class FilterTest(unittest.TestCase):
    def test_filter_masks_msg_and_args(self):
        stream = io.StringIO()
        logger = logging.getLogger("otelcolbridge-test")
        logger.propagate = False
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        handler.addFilter(ob.RedactingFilter("all"))
        logger.addHandler(handler)
        try:
            logger.warning("login %s with card %s", "ana.souza@example.com", "4111 1111 1111 1111")
            logger.warning("token=%(t)s", {"t": "ghp_" + "Qw3r" * 9})
            logger.warning("plain message")
        finally:
            logger.removeHandler(handler)
        self.assertEqual(stream.getvalue().splitlines(),
                         ["WARNING login **** with card ****", "WARNING token=****", "WARNING plain message"])

    def test_filter_rejects_bad_config(self):
        with self.assertRaises(ob.InvalidConfig):
            ob.RedactingFilter("nosuchpreset")


if __name__ == "__main__":
    unittest.main()
