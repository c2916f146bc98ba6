package sampling

import (
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog"
)

// severityRanges maps the OpenTelemetry short names to their SeverityNumber ranges
// (logs data model: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24).
var severityRanges = []struct {
	name     string
	low, top plog.SeverityNumber
}{
	{"TRACE", plog.SeverityNumberTrace, plog.SeverityNumberTrace4},
	{"DEBUG", plog.SeverityNumberDebug, plog.SeverityNumberDebug4},
	{"INFO", plog.SeverityNumberInfo, plog.SeverityNumberInfo4},
	{"WARN", plog.SeverityNumberWarn, plog.SeverityNumberWarn4},
	{"ERROR", plog.SeverityNumberError, plog.SeverityNumberError4},
	{"FATAL", plog.SeverityNumberFatal, plog.SeverityNumberFatal4},
}

// ParseSeverity reads a severity level name as written in a config: a short name
// (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, any case) or a short name with its step
// (INFO2, ERROR4). It returns the lowest and the highest SeverityNumber the name covers:
// "WARN" is 13..16, "WARN3" is 15..15.
func ParseSeverity(name string) (low, top plog.SeverityNumber, err error) {
	upper := strings.ToUpper(strings.TrimSpace(name))
	for _, r := range severityRanges {
		if !strings.HasPrefix(upper, r.name) {
			continue
		}
		switch rest := upper[len(r.name):]; rest {
		case "":
			return r.low, r.top, nil
		case "1", "2", "3", "4":
			n := r.low + plog.SeverityNumber(rest[0]-'1')
			return n, n, nil
		}
	}
	return 0, 0, fmt.Errorf("unknown severity %q (want TRACE, DEBUG, INFO, WARN, ERROR or FATAL, optionally followed by 1-4)", name)
}

// textSeverities are the severity texts that loggers write when they do not set a
// SeverityNumber (syslog, plain-text parsers, some bridges). Each maps to the lowest
// number of its range. Matching is case-insensitive and exact.
var textSeverities = []struct {
	text string
	num  plog.SeverityNumber
}{
	{"TRACE", plog.SeverityNumberTrace},
	{"DEBUG", plog.SeverityNumberDebug},
	{"INFO", plog.SeverityNumberInfo},
	{"INFORMATION", plog.SeverityNumberInfo},
	{"NOTICE", plog.SeverityNumberInfo2},
	{"WARN", plog.SeverityNumberWarn},
	{"WARNING", plog.SeverityNumberWarn},
	{"ERROR", plog.SeverityNumberError},
	{"ERR", plog.SeverityNumberError},
	{"CRITICAL", plog.SeverityNumberFatal},
	{"CRIT", plog.SeverityNumberFatal},
	{"ALERT", plog.SeverityNumberFatal2},
	{"EMERG", plog.SeverityNumberFatal3},
	{"EMERGENCY", plog.SeverityNumberFatal3},
	{"FATAL", plog.SeverityNumberFatal},
	{"PANIC", plog.SeverityNumberFatal},
}

// EffectiveSeverity is the record's SeverityNumber or, when that is unspecified, the
// number its SeverityText names. A record whose text is unknown too has severity 0
// (unspecified), which is below every level: a rule with a minimum severity does not
// match it and it is never protected.
func EffectiveSeverity(lr plog.LogRecord) plog.SeverityNumber {
	if n := lr.SeverityNumber(); n != plog.SeverityNumberUnspecified {
		return n
	}
	text := lr.SeverityText()
	if text == "" || len(text) > len("INFORMATION") {
		return plog.SeverityNumberUnspecified
	}
	for _, s := range textSeverities {
		if strings.EqualFold(text, s.text) {
			return s.num
		}
	}
	return plog.SeverityNumberUnspecified
}
