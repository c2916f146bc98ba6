package datadog

import (
	"errors"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/pdata/pmetric"
	"google.golang.org/protobuf/encoding/protowire"
)

// /api/intake/metrics/v3/series: the Agent's columnar format (agent-payload
// proto/metrics/intake_v3.proto). A Payload holds Metadata (tags and
// resources for every series) and MetricData: string dictionaries (varint
// length + bytes, 1-based, 0 = empty), per-series columns (type, name,
// tagset, resources, interval, number of points; references delta-encoded
// over the whole column), and per-point columns (timestamps delta-encoded
// over the whole column; values in the sint64, float32 or float64 column the
// series' value type selects). Count, rate and gauge series translate as on
// /api/v2/series, DDSketch series as on /api/beta/sketches. OTLP histogram
// series (types 6 and 7, new in the format) are not translated yet: the
// payload is rejected from the first such series on.

// v3 metric types, value types and flags.
const (
	v3Count        = 1
	v3Rate         = 2
	v3Gauge        = 3
	v3Sketch       = 4
	v3ExplicitHist = 6
	v3ExpHist      = 7

	v3TypeMask  = 0x0f
	v3ValueMask = 0xf0
	v3Zero      = 0x00
	v3Sint64    = 0x10
	v3Float32   = 0x20
	v3Float64   = 0x30
	v3HasUnit   = 0x200
)

// ErrV3Unsupported reports v3 series of a type this translator does not read.
var ErrV3Unsupported = errors.New("intake v3: series type not supported")

type v3Data struct {
	names, tags, resStr, units                []string
	tagsets                                   [][]int64
	resources                                 [][][2]int64
	types, intervals, numPoints, numBins, cnt []uint64
	nameRefs, tagsetRefs, resRefs, unitRefs   []int64
	timestamps, sint64s, binKeys              []int64
	float32s, float64s                        []float64
	rawTagsets, resLen, resType, resName      []int64
}

// TranslateSeriesV3 translates an /api/intake/metrics/v3/series body.
func TranslateSeriesV3(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	t := newSeriesTranslator(agentVersion, lim)
	var metaTags []string
	var metaRes [][2]string
	var data []byte
	for b := body; len(b) > 0; {
		f, rest, err := nextField(b)
		if err != nil {
			md, st := t.result()
			return md, st, fmt.Errorf("series v3: %w", err)
		}
		b = rest
		switch {
		case f.num == 2 && f.typ == protowire.BytesType:
			var strs []string
			for mb := f.bytes; len(mb) > 0; {
				mf, mrest, err := nextField(mb)
				if err != nil {
					md, st := t.result()
					return md, st, fmt.Errorf("series v3: metadata: %w", err)
				}
				mb = mrest
				switch mf.num {
				case 1:
					metaTags = append(metaTags, mf.str())
				case 2:
					strs = append(strs, mf.str())
				}
			}
			for i := 0; i+1 < len(strs); i += 2 {
				metaRes = append(metaRes, [2]string{strs[i], strs[i+1]})
			}
		case f.num == 3 && f.typ == protowire.BytesType:
			data = f.bytes
		}
	}
	d, err := decodeV3Columns(data)
	if err != nil {
		md, st := t.result()
		return md, st, fmt.Errorf("series v3: %w", err)
	}
	if err = d.emit(t, metaTags, metaRes); err != nil {
		err = fmt.Errorf("series v3: %w", err)
	}
	return t.done(err)
}

func decodeV3Columns(b []byte) (*v3Data, error) {
	d := &v3Data{}
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return d, err
		}
		b = rest
		switch f.num {
		case 1:
			d.names, err = v3Strings(d.names, f)
		case 2:
			d.tags, err = v3Strings(d.tags, f)
		case 3:
			d.rawTagsets, err = appendSint64s(d.rawTagsets, f)
		case 4:
			d.resStr, err = v3Strings(d.resStr, f)
		case 5:
			d.resLen, err = appendInt64s(d.resLen, f)
		case 6:
			d.resType, err = appendSint64s(d.resType, f)
		case 7:
			d.resName, err = appendSint64s(d.resName, f)
		case 25:
			d.units, err = v3Strings(d.units, f)
		case 10:
			d.types, err = appendVarints(d.types, f)
		case 11:
			d.nameRefs, err = appendSint64s(d.nameRefs, f)
		case 12:
			d.tagsetRefs, err = appendSint64s(d.tagsetRefs, f)
		case 13:
			d.resRefs, err = appendSint64s(d.resRefs, f)
		case 14:
			d.intervals, err = appendVarints(d.intervals, f)
		case 15:
			d.numPoints, err = appendVarints(d.numPoints, f)
		case 26:
			d.unitRefs, err = appendSint64s(d.unitRefs, f)
		case 16:
			d.timestamps, err = appendSint64s(d.timestamps, f)
		case 17:
			d.sint64s, err = appendSint64s(d.sint64s, f)
		case 18:
			d.float32s, err = appendFloats(d.float32s, f)
		case 19:
			d.float64s, err = appendDoubles(d.float64s, f)
		case 20:
			d.numBins, err = appendVarints(d.numBins, f)
		case 21:
			var keys []int64
			keys, err = appendSint64s(keys, f)
			d.binKeys = append(d.binKeys, keys...)
		case 22:
			d.cnt, err = appendVarints(d.cnt, f)
		}
		if err != nil {
			return d, err
		}
	}
	// Tag sets: [len, delta-encoded tag ids...] each.
	for i := 0; i < len(d.rawTagsets); {
		n := d.rawTagsets[i]
		i++
		if n < 0 || int64(len(d.rawTagsets)-i) < n {
			return d, errors.New("dictTagsets: truncated tag set")
		}
		set := make([]int64, n)
		var id int64
		for j := range set {
			id += d.rawTagsets[i+j]
			set[j] = id
		}
		d.tagsets = append(d.tagsets, set)
		i += int(n)
	}
	// Resource sets: lengths, then (type, name) ids delta-encoded per set.
	pos := 0
	for _, n := range d.resLen {
		if n < 0 || int64(len(d.resType)-pos) < n || int64(len(d.resName)-pos) < n {
			return d, errors.New("dictResource: truncated resource set")
		}
		set := make([][2]int64, n)
		var t, nm int64
		for j := range set {
			t += d.resType[pos+j]
			nm += d.resName[pos+j]
			set[j] = [2]int64{t, nm}
		}
		d.resources = append(d.resources, set)
		pos += int(n)
	}
	return d, nil
}

// v3Strings reads a dictionary: varint length + bytes, repeated.
func v3Strings(dst []string, f protoField) ([]string, error) {
	b := f.bytes
	for len(b) > 0 {
		n, k := protowire.ConsumeVarint(b)
		if k < 0 || uint64(len(b)-k) < n {
			return dst, fmt.Errorf("%w: dictionary %d truncated", errProto, f.num)
		}
		dst = append(dst, string(b[k:k+int(n)]))
		b = b[k+int(n):]
	}
	return dst, nil
}

// lookup returns dict[ref-1], "" for ref 0, and false when out of range.
func lookup[T any](dict []T, ref int64) (T, bool) {
	var zero T
	if ref == 0 {
		return zero, true
	}
	if ref < 0 || ref > int64(len(dict)) {
		return zero, false
	}
	return dict[ref-1], true
}

// column hands out values of a per-point column in order.
type column[T any] struct {
	vals []T
	pos  int
}

func (c *column[T]) next() (T, bool) {
	var zero T
	if c.pos >= len(c.vals) {
		return zero, false
	}
	c.pos++
	return c.vals[c.pos-1], true
}

var errV3Short = errors.New("a column is shorter than the series need")

// emit adds the series of the columns to t, one series at a time: its
// header (name, unit, tags, resources), then its points.
func (d *v3Data) emit(t *seriesTranslator, metaTags []string, metaRes [][2]string) error {
	n := len(d.types)
	if len(d.nameRefs) != n || len(d.numPoints) != n {
		return fmt.Errorf("%d types but %d names and %d point counts", n, len(d.nameRefs), len(d.numPoints))
	}
	c := newV3Cursor(d)
	for i := range n {
		if t.b.bud.failed() != nil {
			return nil
		}
		typ := d.types[i]
		s, err := c.header(i, typ, metaTags, metaRes)
		if err != nil {
			return err
		}
		vt := typ & v3ValueMask
		points := d.numPoints[i]
		if points > uint64(len(d.timestamps)) {
			return errV3Short
		}
		switch typ & v3TypeMask {
		case v3Count, v3Rate, v3Gauge:
			s.typ = seriesType(typ & v3TypeMask)
			if err := c.scalarPoints(&s, vt, points); err != nil {
				return err
			}
			t.add(&s)
		case v3Sketch:
			t.stats.Series++
			if err := c.sketchPoints(t, &s, vt, points); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: series %d (%q) has type %d", ErrV3Unsupported, i, s.name, typ&v3TypeMask)
		}
	}
	return nil
}

// v3Cursor walks the columns of a payload: the running sums of the
// delta-encoded references and timestamps, and the position in each value
// column, which the series consume in order.
type v3Cursor struct {
	d                                        *v3Data
	ts, s64, keys, units                     column[int64]
	f32, f64                                 column[float64]
	bins, cnts                               column[uint64]
	nameRef, tagRef, resRef, unitRef, lastTS int64
}

func newV3Cursor(d *v3Data) *v3Cursor {
	return &v3Cursor{
		d:     d,
		ts:    column[int64]{vals: d.timestamps},
		s64:   column[int64]{vals: d.sint64s},
		f32:   column[float64]{vals: d.float32s},
		f64:   column[float64]{vals: d.float64s},
		bins:  column[uint64]{vals: d.numBins},
		keys:  column[int64]{vals: d.binKeys},
		cnts:  column[uint64]{vals: d.cnt},
		units: column[int64]{vals: d.unitRefs},
	}
}

// value reads one value of type vt from its column.
func (c *v3Cursor) value(vt uint64) (float64, bool) {
	switch vt {
	case v3Zero:
		return 0, true
	case v3Sint64:
		v, ok := c.s64.next()
		return float64(v), ok
	case v3Float32:
		return c.f32.next()
	case v3Float64:
		return c.f64.next()
	}
	return 0, false
}

// header resolves series i's references: name, interval, unit, and the
// tags and resources after the payload's own.
func (c *v3Cursor) header(i int, typ uint64, metaTags []string, metaRes [][2]string) (series, error) {
	d := c.d
	c.nameRef += d.nameRefs[i]
	if i < len(d.tagsetRefs) {
		c.tagRef += d.tagsetRefs[i]
	}
	if i < len(d.resRefs) {
		c.resRef += d.resRefs[i]
	}
	if typ&v3HasUnit != 0 {
		u, ok := c.units.next()
		if !ok {
			return series{}, errV3Short
		}
		c.unitRef += u
	}
	name, ok1 := lookup(d.names, c.nameRef)
	tagIDs, ok2 := lookup(d.tagsets, c.tagRef)
	resIDs, ok3 := lookup(d.resources, c.resRef)
	if !ok1 || !ok2 || !ok3 {
		return series{}, fmt.Errorf("series %d: dictionary reference out of range", i)
	}
	s := series{name: name}
	if i < len(d.intervals) {
		s.interval = int64(d.intervals[i])
	}
	if typ&v3HasUnit != 0 {
		s.unit, _ = lookup(d.units, c.unitRef)
	}
	s.tags = append(s.tags, metaTags...)
	for _, id := range tagIDs {
		tag, ok := lookup(d.tags, id)
		if !ok {
			return series{}, fmt.Errorf("series %d: tag reference out of range", i)
		}
		s.tags = append(s.tags, tag)
	}
	s.resources = append(s.resources, metaRes...)
	for _, r := range resIDs {
		rt, ok1 := lookup(d.resStr, r[0])
		rn, ok2 := lookup(d.resStr, r[1])
		if !ok1 || !ok2 {
			return series{}, fmt.Errorf("series %d: resource reference out of range", i)
		}
		s.resources = append(s.resources, [2]string{rt, rn})
	}
	return s, nil
}

// scalarPoints reads the points of a count, rate or gauge series.
func (c *v3Cursor) scalarPoints(s *series, vt, points uint64) error {
	for range points {
		dt, ok := c.ts.next()
		v, ok2 := c.value(vt)
		if !ok || !ok2 {
			return errV3Short
		}
		c.lastTS += dt
		s.points = append(s.points, seriesPoint{ts: c.lastTS, value: v})
	}
	return nil
}

// sketchPoints reads the points of a sketch series and adds each as an
// exponential histogram point.
func (c *v3Cursor) sketchPoints(t *seriesTranslator, s *series, vt, points uint64) error {
	res := metricResource{}
	for _, r := range s.resources {
		if r[0] == tagHost && res.host == "" {
			res.host = r[1]
		}
	}
	attrs := splitTags(s.tags, &res)
	for range points {
		dt, ok := c.ts.next()
		if !ok {
			return errV3Short
		}
		c.lastTS += dt
		sum, mn, mx, count, ok := c.sketchSummary(vt)
		if !ok {
			return errV3Short
		}
		e, ok := c.sketchBins()
		if !ok {
			return errV3Short
		}
		dp := t.b.histogram(res, s.name, ddUnit(s.unit))
		e.write(dp)
		dp.SetTimestamp(secondsToTimestamp(c.lastTS))
		if count >= 0 {
			dp.SetCount(uint64(count))
		}
		dp.SetSum(sum)
		if count > 0 && !math.IsNaN(mn) && !math.IsNaN(mx) {
			dp.SetMin(mn)
			dp.SetMax(mx)
		}
		t.b.putAttrs(dp.Attributes(), attrs)
	}
	return nil
}

// sketchSummary reads a sketch point's sum, min, max and count: all four
// from the sint64 column when vt is sint64, else the first three of type vt
// and the count as sint64.
func (c *v3Cursor) sketchSummary(vt uint64) (sum, mn, mx float64, count int64, ok bool) {
	if vt == v3Sint64 {
		var vals [4]int64
		for j := range vals {
			if vals[j], ok = c.s64.next(); !ok {
				return 0, 0, 0, 0, false
			}
		}
		return float64(vals[0]), float64(vals[1]), float64(vals[2]), vals[3], true
	}
	var ok1, ok2, ok3 bool
	sum, ok1 = c.value(vt)
	mn, ok2 = c.value(vt)
	mx, ok3 = c.value(vt)
	if count, ok = c.s64.next(); !ok || !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, 0, false
	}
	return sum, mn, mx, count, true
}

// sketchBins reads a sketch point's bins (delta-encoded keys of the Agent's
// sketch mapping, and counts) into an exponential histogram.
func (c *v3Cursor) sketchBins() (*expBuilder, bool) {
	nb, ok := c.bins.next()
	if !ok {
		return nil, false
	}
	e := newExpBuilder()
	e.zeroThresh = agentSketch.min
	var key int64
	for range nb {
		dk, ok1 := c.keys.next()
		cnt, ok2 := c.cnts.next()
		if !ok1 || !ok2 {
			return nil, false
		}
		key += dk
		if v, ok := agentKeyValue(int32(key)); ok {
			e.add(v, cnt)
		}
	}
	return e, true
}
