# frozen_string_literal: true

# Per-call overhead of the Ruby bindings (make bindings-bench; figures in docs/en/bindings.md).
require 'json'
require_relative 'lib/otelcolbridge'

def per_call(name, n)
  yield
  t = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  n.times { yield }
  dt = (Process.clock_gettime(Process::CLOCK_MONOTONIC) - t) / n
  printf("%-44s %8.2f us/call\n", name, dt * 1e6)
end

root = File.expand_path('../..', __dir__)
texts = File.readlines(File.join(root, 'components/pii/testdata/corpus.jsonl')).map { |l| JSON.parse(l)['text'] }
puts "libotelcolbridge #{OtelcolBridge.version}, Ruby #{RUBY_VERSION}, #{texts.size} corpus lines"
per_call('version', 200_000) { OtelcolBridge.version }
per_call("redact_text('', 'all')", 50_000) { OtelcolBridge.redact_text('', 'all') }
per_call("redact('short clean line', 'all')", 50_000) { OtelcolBridge.redact('short clean line', 'all') }
per_call('keep_ratio(hex trace id, 0.1)', 50_000) { OtelcolBridge.keep_ratio('e4fef2be57feb7edb09d4245edbf79d3', 0.1) }
t = Process.clock_gettime(Process::CLOCK_MONOTONIC)
5.times { texts.each { |s| OtelcolBridge.redact_text(s, 'all') } }
dt = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t
printf("%-44s %8.2f us/line\n", 'library redact_text(all) over the corpus', dt / (5 * texts.size) * 1e6)
