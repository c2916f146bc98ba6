package piiredactionprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

// processMetrics redacts what a metrics backend stores as text: resource and scope
// attributes, metric names and descriptions, and the attributes of every data point and
// exemplar. Data point values are never touched: a number there is a measurement, and
// masking one would corrupt the series (numbers that are secrets arrive as attributes).
// A data point whose attributes hit a drop rule is dropped; a metric left without points
// by that is removed.
func (r *redactor) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	st := r.stats.Get().(*pii.Stats)
	st.Reset()
	var dropped int64
	md.ResourceMetrics().RemoveIf(func(rm pmetric.ResourceMetrics) bool {
		res := rm.Resource().Attributes()
		if matches(r.skipRes, res, true) {
			return false
		}
		if r.resource {
			r.redactAttrs(res, st)
		}
		emptied := false
		rm.ScopeMetrics().RemoveIf(func(sm pmetric.ScopeMetrics) bool {
			if r.scope {
				r.redactScope(sm.Scope(), st)
			}
			sm.Metrics().RemoveIf(func(m pmetric.Metric) bool {
				n, gone := r.redactMetric(m, st)
				dropped += n
				return gone
			})
			gone := sm.Metrics().Len() == 0
			emptied = emptied || gone
			return gone
		})
		return emptied && rm.ScopeMetrics().Len() == 0
	})
	r.record(ctx, signalMetrics, st, dropped)
	r.stats.Put(st)
	return md, nil
}

// redactMetric returns how many data points were dropped and whether the metric is gone
// (a panic drops the whole metric: fail closed).
func (r *redactor) redactMetric(m pmetric.Metric, st *pii.Stats) (dropped int64, gone bool) {
	defer func() {
		if rec := recover(); rec != nil {
			st.Failures++
			dropped, gone = 1, true
		}
	}()
	r.redactText(m.Name(), m.SetName, st)
	r.redactText(m.Description(), m.SetDescription, st)
	n := 0
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		m.Gauge().DataPoints().RemoveIf(func(dp pmetric.NumberDataPoint) bool {
			return r.redactPoint(dp.Attributes(), dp.Exemplars(), st, &n)
		})
		gone = n > 0 && m.Gauge().DataPoints().Len() == 0
	case pmetric.MetricTypeSum:
		m.Sum().DataPoints().RemoveIf(func(dp pmetric.NumberDataPoint) bool {
			return r.redactPoint(dp.Attributes(), dp.Exemplars(), st, &n)
		})
		gone = n > 0 && m.Sum().DataPoints().Len() == 0
	case pmetric.MetricTypeHistogram:
		m.Histogram().DataPoints().RemoveIf(func(dp pmetric.HistogramDataPoint) bool {
			return r.redactPoint(dp.Attributes(), dp.Exemplars(), st, &n)
		})
		gone = n > 0 && m.Histogram().DataPoints().Len() == 0
	case pmetric.MetricTypeExponentialHistogram:
		m.ExponentialHistogram().DataPoints().RemoveIf(func(dp pmetric.ExponentialHistogramDataPoint) bool {
			return r.redactPoint(dp.Attributes(), dp.Exemplars(), st, &n)
		})
		gone = n > 0 && m.ExponentialHistogram().DataPoints().Len() == 0
	case pmetric.MetricTypeSummary:
		m.Summary().DataPoints().RemoveIf(func(dp pmetric.SummaryDataPoint) bool {
			return r.redactPoint(dp.Attributes(), r.noExemplars, st, &n)
		})
		gone = n > 0 && m.Summary().DataPoints().Len() == 0
	}
	return int64(n), gone
}

// redactPoint redacts a data point's attributes and its exemplars' filtered attributes,
// and reports whether the point must be dropped (counted in *dropped).
func (r *redactor) redactPoint(attrs pcommon.Map, exemplars pmetric.ExemplarSlice, st *pii.Stats, dropped *int) bool {
	if matches(r.skipItem, attrs, false) {
		return false
	}
	act := r.redactAttrs(attrs, st)
	for i := 0; i < exemplars.Len(); i++ {
		act = max(act, r.redactAttrs(exemplars.At(i).FilteredAttributes(), st))
	}
	if act == pii.ActionDrop {
		*dropped++
		return true
	}
	return false
}
