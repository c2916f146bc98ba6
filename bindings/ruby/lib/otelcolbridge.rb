# frozen_string_literal: true

# Ruby bindings of libotelcolbridge through Fiddle (Ruby's standard FFI): the gateway's
# redaction, keep_ratio sampling and trace conversion, in-process. The library is found
# through $OTELCOLBRIDGE_LIB, else in bindings/c/build/ (where `make bindings` puts it).
# Every output the library allocates is copied into a Ruby String and freed at once.
require 'fiddle'
require 'fiddle/import'
require 'json'
require 'logger'

module OtelcolBridge
  OK = 0
  ERR_INVALID_ARGUMENT = 1
  ERR_INVALID_UTF8 = 2
  ERR_INVALID_CONFIG = 3
  ERR_UNSUPPORTED = 4
  ERR_DECODE = 5
  ERR_INTERNAL = 6

  # A failed call: status is the library's status code.
  class Error < StandardError
    attr_reader :status

    def initialize(status, message)
      @status = status
      super("#{OtelcolBridge.status_name(status)}: #{message}")
    end
  end

  Finding = Struct.new(:detector, :action, :start, :end, :custom, keyword_init: true)
  RedactResult = Struct.new(:text, :findings)

  # The raw ABI. Outputs are declared as void* so Fiddle hands back the pointer itself,
  # which must be given to otelcolbridge_free.
  module Lib
    extend Fiddle::Importer

    path = ENV['OTELCOLBRIDGE_LIB']
    path = File.expand_path('../../c/build/libotelcolbridge.so', __dir__) if path.nil? || path.empty?
    dlload path

    extern 'char* otelcolbridge_version(void)'
    extern 'char* otelcolbridge_status_name(int)'
    extern 'void otelcolbridge_free(void*)'
    extern 'int otelcolbridge_redact(char*, char*, void*, void*, void*)'
    extern 'int otelcolbridge_keep_ratio(void*, size_t, double, int, char*, char*, void*, void*)'
    extern 'int otelcolbridge_convert(char*, char*, void*, size_t, void*, void*, void*)'
  end

  PTR_SIZE = Fiddle::SIZEOF_VOIDP

  module_function

  def version
    Lib.otelcolbridge_version.to_s
  end

  def status_name(status)
    Lib.otelcolbridge_status_name(status).to_s
  end

  # A caller-owned slot for one pointer the library fills in (char**, size_t*, int*).
  def slot(size = PTR_SIZE)
    Fiddle::Pointer.malloc(size, Fiddle::RUBY_FREE).tap { |p| p[0, size] = "\0" * size }
  end

  # Copies the NUL-terminated string the slot points at and frees it; nil when NULL.
  def take_string(slot_ptr)
    p = slot_ptr.ptr
    return nil if p.null?

    begin
      p.to_s.force_encoding(Encoding::UTF_8)
    ensure
      Lib.otelcolbridge_free(p)
    end
  end

  def raise_error(status, err_slot)
    raise Error.new(status, take_string(err_slot) || '')
  end

  def spec_of(preset_or_rules)
    preset_or_rules.is_a?(Hash) ? JSON.generate(preset_or_rules) : preset_or_rules.to_s
  end

  # Masks text with the gateway's detectors; preset_or_rules is a preset name (pci,
  # secrets, pii, all) or the pii_redaction processor's settings as a Hash or JSON.
  def redact(text, preset_or_rules = 'secrets', findings: true)
    raise Error.new(ERR_INVALID_ARGUMENT, 'text contains a NUL byte') if text.include?("\0")

    out = slot
    fnd = findings ? slot : nil
    err = slot
    status = Lib.otelcolbridge_redact(text.b, spec_of(preset_or_rules), out, fnd || Fiddle::NULL, err)
    raise_error(status, err) unless status == OK

    masked = take_string(out)
    list = fnd ? JSON.parse(take_string(fnd)).map { |f| Finding.new(custom: false, **f.transform_keys(&:to_sym)) } : []
    RedactResult.new(masked, list)
  end

  def redact_text(text, preset_or_rules = 'secrets')
    redact(text, preset_or_rules, findings: false).text
  end

  # log_sampling's keep_ratio decision; trace_id is 16 bytes or 32 hex digits.
  def keep_ratio(trace_id, ratio, precision = 4, randomness: nil, threshold: nil)
    tid = (trace_id || '').b
    keep = slot(Fiddle::SIZEOF_INT)
    err = slot
    status = Lib.otelcolbridge_keep_ratio(tid.empty? ? Fiddle::NULL : tid, tid.bytesize, ratio.to_f, precision,
                                          randomness, threshold, keep, err)
    raise_error(status, err) unless status == OK

    keep[0, Fiddle::SIZEOF_INT].unpack1('i') == 1
  end

  # Converts trace data as `otelcol-bridge convert --from FROM --to TO` does.
  def convert(data, from, to = 'otlp-json')
    data = data.b
    out = slot
    out_len = slot(Fiddle::SIZEOF_SIZE_T)
    err = slot
    status = Lib.otelcolbridge_convert(from, to, data.empty? ? Fiddle::NULL : data, data.bytesize, out, out_len, err)
    raise_error(status, err) unless status == OK

    p = out.ptr
    len = out_len[0, Fiddle::SIZEOF_SIZE_T].unpack1('J')
    begin
      p[0, len]
    ensure
      Lib.otelcolbridge_free(p)
    end
  end

  # A Logger formatter that masks the formatted line (message, progname and all) with the
  # gateway's detectors. A line that cannot be redacted is replaced by the mask, never
  # written raw (fail closed, as the gateway does).
  class RedactingFormatter < ::Logger::Formatter
    def initialize(preset_or_rules = 'secrets', inner: ::Logger::Formatter.new)
      super()
      @spec = preset_or_rules
      @inner = inner
      @mask = preset_or_rules.is_a?(Hash) ? (preset_or_rules['mask'] || preset_or_rules[:mask] || '****') : '****'
      OtelcolBridge.redact_text('', preset_or_rules) # fail fast on a bad preset or rules
    end

    def call(severity, time, progname, msg)
      line = @inner.call(severity, time, progname, msg)
      OtelcolBridge.redact_text(line, @spec)
    rescue StandardError
      "#{@mask}\n"
    end
  end
end
