// Command otelcolbridge is built with -buildmode=c-shared or c-archive into
// libotelcolbridge: the C ABI over the bridge's redaction, sampling and conversion code
// (bindings/internal/bridge, which calls components/). This file only moves memory across
// the boundary; all logic is in the bridge package so plain Go tests cover it.
//
// Ownership: the caller owns every input and may free it as soon as a call returns; the
// library copies what it reads into Go memory. Every output (text, bytes, JSON, error
// message) is allocated with malloc and owned by the caller, who releases it with
// otelcolbridge_free. No Go pointer is ever handed to C, so the cgo pointer rules hold and
// nothing the caller holds keeps Go memory alive.
package main

/*
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// Status codes returned by every otelcolbridge_* function that can fail.
enum {
	OTELCOLBRIDGE_OK = 0,
	OTELCOLBRIDGE_ERR_INVALID_ARGUMENT = 1,
	OTELCOLBRIDGE_ERR_INVALID_UTF8 = 2,
	OTELCOLBRIDGE_ERR_INVALID_CONFIG = 3,
	OTELCOLBRIDGE_ERR_UNSUPPORTED = 4,
	OTELCOLBRIDGE_ERR_DECODE = 5,
	OTELCOLBRIDGE_ERR_INTERNAL = 6
};

// otelcolbridge_free releases any output of the library (NULL is a no-op). It is plain C
// (free.c), not an exported Go function, so freeing costs no call into the Go runtime.
void otelcolbridge_free(void *p);
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/otelcol-bridge/otelcol-bridge/bindings/internal/bridge"
	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

// version is the library's ABI version; it changes when a signature or status code does.
const version = "1.0.0"

// versionC is allocated once and never freed: callers get a pointer they must not free.
var versionC = C.CString(version)

// setOut stores a malloc'd copy of s in *dst (when dst is not NULL).
func setOut(dst **C.char, s string) {
	if dst != nil {
		*dst = C.CString(s)
	}
}

func clearOut(dst **C.char) {
	if dst != nil {
		*dst = nil
	}
}

// fail stores err's message in *errOut and returns its status.
func fail(errOut **C.char, err error) C.int {
	setOut(errOut, err.Error())
	return C.int(bridge.StatusOf(err))
}

// guard turns a panic into OTELCOLBRIDGE_ERR_INTERNAL: a Go panic crossing into C would
// abort the caller's process, and the library must never crash its host.
func guard(status *C.int, errOut **C.char) {
	if r := recover(); r != nil {
		*status = C.OTELCOLBRIDGE_ERR_INTERNAL
		setOut(errOut, fmt.Sprintf("internal error: %v", r))
	}
}

func nullArg(errOut **C.char, name string) C.int {
	setOut(errOut, name+" is NULL")
	return C.OTELCOLBRIDGE_ERR_INVALID_ARGUMENT
}

//export otelcolbridge_version
func otelcolbridge_version() *C.char { return versionC }

//export otelcolbridge_redact
func otelcolbridge_redact(text *C.char, presetOrRulesJSON *C.char, out **C.char, findingsJSON **C.char, errOut **C.char) (status C.int) {
	clearOut(out)
	clearOut(findingsJSON)
	clearOut(errOut)
	defer guard(&status, errOut)
	if text == nil {
		return nullArg(errOut, "text")
	}
	if presetOrRulesJSON == nil {
		return nullArg(errOut, "preset_or_rules_json")
	}
	if out == nil {
		return nullArg(errOut, "out")
	}
	masked, findings, err := bridge.Redact(C.GoString(text), C.GoString(presetOrRulesJSON))
	if err != nil {
		return fail(errOut, err)
	}
	setOut(out, masked)
	setOut(findingsJSON, string(findings))
	return C.OTELCOLBRIDGE_OK
}

//export otelcolbridge_keep_ratio
func otelcolbridge_keep_ratio(traceID *C.uint8_t, traceIDLen C.size_t, ratio C.double, precision C.int, randomness *C.char, threshold *C.char, keep *C.int, errOut **C.char) (status C.int) {
	clearOut(errOut)
	defer guard(&status, errOut)
	if keep == nil {
		return nullArg(errOut, "keep")
	}
	*keep = 0
	if traceID == nil && traceIDLen != 0 {
		return nullArg(errOut, "trace_id")
	}
	if traceIDLen > 64 {
		setOut(errOut, "trace_id: want 16 bytes or 32 hex digits")
		return C.OTELCOLBRIDGE_ERR_INVALID_ARGUMENT
	}
	var tid []byte
	if traceIDLen > 0 {
		tid = C.GoBytes(unsafe.Pointer(traceID), C.int(traceIDLen))
	}
	var rnd, th string
	if randomness != nil {
		rnd = C.GoString(randomness)
	}
	if threshold != nil {
		th = C.GoString(threshold)
	}
	k, err := bridge.KeepRatio(tid, float64(ratio), int(precision), rnd, th)
	if err != nil {
		return fail(errOut, err)
	}
	if k {
		*keep = 1
	}
	return C.OTELCOLBRIDGE_OK
}

// maxConvertInput bounds one conversion's input (C.GoBytes takes an int length).
const maxConvertInput = 1 << 30

//export otelcolbridge_convert
func otelcolbridge_convert(from *C.char, to *C.char, data *C.uint8_t, dataLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) (status C.int) {
	clearOut(errOut)
	if out != nil {
		*out = nil
	}
	if outLen != nil {
		*outLen = 0
	}
	defer guard(&status, errOut)
	switch {
	case from == nil:
		return nullArg(errOut, "from")
	case to == nil:
		return nullArg(errOut, "to")
	case data == nil && dataLen != 0:
		return nullArg(errOut, "data")
	case out == nil:
		return nullArg(errOut, "out")
	case outLen == nil:
		return nullArg(errOut, "out_len")
	case dataLen > maxConvertInput:
		setOut(errOut, fmt.Sprintf("data: %d bytes is more than the 1 GiB limit", uint64(dataLen)))
		return C.OTELCOLBRIDGE_ERR_INVALID_ARGUMENT
	}
	var in []byte
	if dataLen > 0 {
		in = C.GoBytes(unsafe.Pointer(data), C.int(dataLen))
	}
	b, err := bridge.Convert(C.GoString(from), C.GoString(to), in)
	if err != nil {
		return fail(errOut, err)
	}
	// C.CBytes of an empty slice still mallocs, so the caller always frees a non-NULL out.
	*out = (*C.uint8_t)(C.CBytes(b))
	*outLen = C.size_t(len(b))
	return C.OTELCOLBRIDGE_OK
}

// otelcolbridge_status_name is for messages: the constant's name of a status code.
//
//export otelcolbridge_status_name
func otelcolbridge_status_name(status C.int) *C.char {
	if int(status) >= 0 && int(status) < len(statusNames) {
		return statusNames[status]
	}
	return statusUnknown
}

var (
	statusNames = []*C.char{
		C.CString("OTELCOLBRIDGE_OK"), C.CString("OTELCOLBRIDGE_ERR_INVALID_ARGUMENT"),
		C.CString("OTELCOLBRIDGE_ERR_INVALID_UTF8"), C.CString("OTELCOLBRIDGE_ERR_INVALID_CONFIG"),
		C.CString("OTELCOLBRIDGE_ERR_UNSUPPORTED"), C.CString("OTELCOLBRIDGE_ERR_DECODE"),
		C.CString("OTELCOLBRIDGE_ERR_INTERNAL"),
	}
	statusUnknown = C.CString("unknown status")
)

// The presets are referenced so that a rename in components/pii breaks this build, not
// the bindings' documentation.
var _ = pii.PresetSecrets

func main() {}
