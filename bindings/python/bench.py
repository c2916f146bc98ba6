"""Benchmark of the Python bindings (make bindings-bench; figures in docs/en/bindings.md):
per-call overhead of each function, and redaction of the PII corpus by the library versus
a pure-Python regex implementation of five of the same detectors (email, card with Luhn,
GitHub token, AWS access key id, JWT). The regex version does less (5 detectors, not 19)
and is still the slower one; it is the baseline an application would otherwise write."""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import otelcolbridge as ob  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def luhn(digits):
    total, alt = 0, False
    for c in reversed(digits):
        d = ord(c) - 48
        if alt:
            d *= 2
            if d > 9:
                d -= 9
        total += d
        alt = not alt
    return total % 10 == 0


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
GITHUB = re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")
AWS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def py_redact(text):
    text = EMAIL.sub("****", text)
    text = CARD.sub(lambda m: "****" if luhn(re.sub(r"\D", "", m.group())) else m.group(), text)
    text = GITHUB.sub("****", text)
    text = AWS_KEY.sub("****", text)
    return JWT.sub("****", text)


def per_call(name, fn, n):
    fn()
    t = time.perf_counter()
    for _ in range(n):
        fn()
    dt = (time.perf_counter() - t) / n
    print(f"{name:44s} {dt * 1e6:8.2f} us/call")
    return dt


def main():
    with open(os.path.join(ROOT, "components", "pii", "testdata", "corpus.jsonl"), encoding="utf-8") as f:
        texts = [json.loads(l)["text"] for l in f]
    print(f"libotelcolbridge {ob.version()}, Python {sys.version.split()[0]}, {len(texts)} corpus lines")
    per_call("version()", ob.version, 200000)
    per_call("redact_text('', 'all')", lambda: ob.redact_text("", "all"), 50000)
    per_call("redact('short clean line', 'all')", lambda: ob.redact("short clean line", "all"), 50000)
    per_call("keep_ratio(hex trace id, 0.1)", lambda: ob.keep_ratio("e4fef2be57feb7edb09d4245edbf79d3", 0.1), 50000)
    with open(os.path.join(ROOT, "components", "convert", "testdata", "captures", "zipkin-go-json.zipkin-json"), "rb") as f:
        zipkin = f.read()
    per_call("convert(zipkin-json 2 KiB -> otlp-json)", lambda: ob.convert(zipkin, "zipkin-json"), 2000)

    rounds = 5
    for name, fn in [("library redact_text(all, 19 detectors)", lambda t: ob.redact_text(t, "all")),
                     ("library redact(all) with findings", lambda t: ob.redact(t, "all")),
                     ("pure-Python regex (5 detectors)", py_redact)]:
        start = time.perf_counter()
        for _ in range(rounds):
            for t in texts:
                fn(t)
        dt = time.perf_counter() - start
        n = rounds * len(texts)
        mb = rounds * sum(len(t.encode()) for t in texts) / 1e6
        print(f"{name:44s} {dt / n * 1e6:8.2f} us/line {n / dt:10.0f} lines/s {mb / dt:6.1f} MB/s")


if __name__ == "__main__":
    main()
