# frozen_string_literal: true

# minitest suite of the Ruby bindings, run by `make bindings-test`. The expectations in
# bindings/testdata are written by the Go tests from the code the gateway runs.
require 'minitest/autorun'
require 'json'
require 'logger'
require 'stringio'
require_relative '../lib/otelcolbridge'

ROOT = File.expand_path('../../..', __dir__)
TESTDATA = File.join(ROOT, 'bindings', 'testdata')

def read_jsonl(path)
  File.readlines(path, encoding: 'UTF-8').map { |l| JSON.parse(l) }
end

def sort_key_value_lists(v)
  case v
  when Hash then v.transform_values { |e| sort_key_value_lists(e) }
  when Array
    v = v.map { |e| sort_key_value_lists(e) }
    v = v.sort_by { |e| e['key'] } if !v.empty? && v.all? { |e| e.is_a?(Hash) && e['key'].is_a?(String) }
    v
  else v
  end
end

class CorpusTest < Minitest::Test
  def test_redaction_matches_go_byte_for_byte
    texts = read_jsonl(File.join(ROOT, 'components', 'pii', 'testdata', 'corpus.jsonl')).map { |l| l['text'] }
    cases = read_jsonl(File.join(TESTDATA, 'redact.jsonl'))
    assert_operator cases.size, :>=, 2 * texts.size
    masked = 0
    cases.each do |c|
      text = texts[c['line']]
      res = OtelcolBridge.redact(text, c['config'])
      assert_equal c['out'].b, res.text.b, "line #{c['line']} config #{c['config']}"
      want = c['findings'].map { |f| OtelcolBridge::Finding.new(custom: false, **f.transform_keys(&:to_sym)) }
      assert_equal want, res.findings, "line #{c['line']}"
      masked += 1 if res.text != text
    end
    assert_operator masked, :>, 500
  end

  def test_keep_ratio_matches_log_sampling
    read_jsonl(File.join(TESTDATA, 'keep_ratio.jsonl')).each do |c|
      call = lambda do |tid|
        OtelcolBridge.keep_ratio(tid, c['ratio'], c['precision'], randomness: c['randomness'], threshold: c['threshold'])
      end
      if c['status'] != 0
        e = assert_raises(OtelcolBridge::Error) { call.call(c['trace_id']) }
        assert_equal c['status'], e.status
        next
      end
      assert_equal c['keep'], call.call(c['trace_id']), c.inspect
      assert_equal c['keep'], call.call([c['trace_id']].pack('H*')), c.inspect
    end
  end

  def test_convert_matches_go
    [%w[zipkin-go-json.zipkin-json zipkin-json],
     %w[jaeger-client-go-http.jaeger-thrift-binary jaeger-thrift-binary],
     %w[dd-trace-go-v04.datadog-v04 datadog-v04]].each do |capture, fmt|
      data = File.binread(File.join(ROOT, 'components', 'convert', 'testdata', 'captures', capture))
      out = OtelcolBridge.convert(data, fmt, 'otlp-json')
      want = JSON.parse(File.read(File.join(TESTDATA, 'convert', "#{capture}.otlp.json")))
      assert_equal want, sort_key_value_lists(JSON.parse(out)), capture
    end
  end
end

class ApiTest < Minitest::Test
  def test_version
    assert_equal '1.0.0', OtelcolBridge.version
  end

  def test_redact_findings
    res = OtelcolBridge.redact('mail ana.souza@example.com', 'pii')
    assert_equal 'mail ****', res.text
    assert_equal [OtelcolBridge::Finding.new(detector: 'email', action: 'mask', start: 5, end: 26, custom: false)], res.findings
  end

  def test_rules_hash
    rules = { presets: ['pci'], action: 'partial', keep_last: 4, mask: '#' }
    assert_equal 'card #1111', OtelcolBridge.redact_text('card 4111111111111111', rules)
  end

  def test_bad_input
    assert_equal OtelcolBridge::ERR_INVALID_CONFIG, assert_raises(OtelcolBridge::Error) { OtelcolBridge.redact('x', 'nosuchpreset') }.status
    assert_equal OtelcolBridge::ERR_INVALID_UTF8, assert_raises(OtelcolBridge::Error) { OtelcolBridge.redact("a\xFFb".b, 'all') }.status
    assert_equal OtelcolBridge::ERR_INVALID_ARGUMENT, assert_raises(OtelcolBridge::Error) { OtelcolBridge.redact("a\0b", 'all') }.status
    assert_equal OtelcolBridge::ERR_INVALID_ARGUMENT, assert_raises(OtelcolBridge::Error) { OtelcolBridge.keep_ratio('00', 0.5) }.status
    assert_equal OtelcolBridge::ERR_INVALID_ARGUMENT, assert_raises(OtelcolBridge::Error) { OtelcolBridge.keep_ratio(nil, 0.5) }.status
    assert_equal OtelcolBridge::ERR_DECODE, assert_raises(OtelcolBridge::Error) { OtelcolBridge.convert('{not json', 'zipkin-json') }.status
    assert_equal OtelcolBridge::ERR_UNSUPPORTED, assert_raises(OtelcolBridge::Error) { OtelcolBridge.convert('[]', 'nope') }.status
  end

  def test_threads
    errors = Queue.new
    8.times.map do |n|
      Thread.new do
        300.times do |i|
          out = OtelcolBridge.redact_text("t#{n}-#{i} ana.souza@example.com", i.odd? ? 'all' : 'pii')
          errors << out unless out == "t#{n}-#{i} ****"
        end
      end
    end.each(&:join)
    assert_equal 0, errors.size
  end
end

class FormatterTest < Minitest::Test
  def test_formatter_masks
    io = StringIO.new
    logger = Logger.new(io)
    logger.formatter = OtelcolBridge::RedactingFormatter.new('all', inner: proc { |sev, _t, _p, msg| "#{sev} #{msg}\n" })
    logger.warn('login ana.souza@example.com card 4111 1111 1111 1111')
    logger.info('plain message')
    assert_equal "WARN login **** card ****\nINFO plain message\n", io.string
  end

  def test_formatter_rejects_bad_config
    assert_raises(OtelcolBridge::Error) { OtelcolBridge::RedactingFormatter.new('nosuchpreset') }
  end
end
