package datadog

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/google/pprof/profile"
	"go.opentelemetry.io/collector/pdata/pprofile"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

// Profiling intake (/profiling/v1/input): a multipart/form-data body with an
// "event" part (event.json: attachments, tags_profiler, start, end, family)
// and one part per attachment, each a pprof profile (gzip or not).

// ErrProfileFormat reports a body that is not the event.json multipart format.
var ErrProfileFormat = errors.New("profiling: not a multipart event.json upload")

// maxProfileParts bounds the parts read from one upload.
const maxProfileParts = 64

type profileEvent struct {
	Attachments  []string `json:"attachments"`
	TagsProfiler string   `json:"tags_profiler"`
	Family       string   `json:"family"`
	Version      string   `json:"version"`
	Start        string   `json:"start"`
	End          string   `json:"end"`
	ProcessTags  string   `json:"process_tags"`
}

// ProfileStats describes one translated upload.
type ProfileStats struct {
	Attachments int // pprof files translated
	Profiles    int // OTLP profiles (one per sample type)
	Samples     int
}

// TranslateProfile translates a profiling upload. hdr carries the request
// headers' view of the tracer (language, versions, container id).
// maxInflated bounds the size of each gzip-compressed attachment once
// inflated (0: no bound); beyond it a *LimitError is returned.
func TranslateProfile(contentType string, body []byte, hdr Payload, maxInflated int64) (pprofile.Profiles, ProfileStats, error) {
	var stats ProfileStats
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return pprofile.NewProfiles(), stats, fmt.Errorf("%w: content type %q", ErrProfileFormat, contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var event *profileEvent
	files := map[string][]byte{}
	var order []string
	for i := 0; ; i++ {
		if i >= maxProfileParts {
			return pprofile.NewProfiles(), stats, fmt.Errorf("%w: more than %d parts", ErrProfileFormat, maxProfileParts)
		}
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return pprofile.NewProfiles(), stats, fmt.Errorf("%w: %v", ErrProfileFormat, err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return pprofile.NewProfiles(), stats, fmt.Errorf("%w: part %q: %v", ErrProfileFormat, part.FormName(), err)
		}
		name := part.FormName()
		if name == "event" {
			event = new(profileEvent)
			if err := json.Unmarshal(data, event); err != nil {
				return pprofile.NewProfiles(), stats, fmt.Errorf("%w: event.json: %v", ErrProfileFormat, err)
			}
			continue
		}
		if fn := part.FileName(); fn != "" {
			name = fn
		}
		if _, dup := files[name]; !dup {
			order = append(order, name)
		}
		files[name] = data
	}
	if event == nil {
		return pprofile.NewProfiles(), stats, fmt.Errorf("%w: no event part", ErrProfileFormat)
	}

	res := metricResource{containerID: hdr.ContainerID}
	var attrs [][2]string
	if event.TagsProfiler != "" {
		attrs = splitTags(strings.Split(event.TagsProfiler, ","), &res)
	}
	resource := map[string]string{}
	lang := hdr.Lang
	profAttrs := map[string]string{}
	for _, kv := range attrs {
		switch kv[0] {
		case "runtime-id":
			resource["service.instance.id"] = kv[1]
		case "language":
			if lang == "" {
				lang = kv[1]
			}
		case "profiler_version":
			if hdr.TracerVersion == "" {
				hdr.TracerVersion = kv[1]
			}
			profAttrs[kv[0]] = kv[1]
		default:
			profAttrs[kv[0]] = kv[1]
		}
	}
	if lang == "" {
		lang = event.Family
	}
	for k, v := range map[string]string{
		"service.name": res.service, "deployment.environment.name": res.env,
		"service.version": res.version, "host.name": res.host, "container.id": res.containerID,
		"telemetry.sdk.language": sdkLanguage(lang),
	} {
		if v != "" {
			resource[k] = v
		}
	}
	resource["telemetry.sdk.name"] = "datadog"
	if hdr.TracerVersion != "" {
		resource["telemetry.sdk.version"] = hdr.TracerVersion
	}
	b := profiles.NewBuilder(resource, scopeName(lang), hdr.TracerVersion)

	names := event.Attachments
	if len(names) == 0 {
		names = order
	}
	var errs []error
	for _, name := range names {
		data, ok := files[name]
		if !ok {
			errs = append(errs, fmt.Errorf("profiling: attachment %q listed in event.json is missing", name))
			continue
		}
		if data, err = inflateAttachment(data, maxInflated); err != nil {
			if errors.Is(err, ErrLimit) {
				return pprofile.NewProfiles(), ProfileStats{}, err
			}
			errs = append(errs, fmt.Errorf("profiling: attachment %q: %w", name, err))
			continue
		}
		p, err := profile.ParseData(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("profiling: attachment %q: %w", name, err))
			continue
		}
		before := b.Profiles().ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().Len()
		if err := b.Add(p, profileKind(name), profAttrs); err != nil {
			errs = append(errs, fmt.Errorf("profiling: attachment %q: %w", name, err))
			continue
		}
		stats.Attachments++
		ps := b.Profiles().ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles()
		for i := before; i < ps.Len(); i++ {
			stats.Profiles++
			stats.Samples += ps.At(i).Samples().Len()
		}
	}
	return b.Profiles(), stats, errors.Join(errs...)
}

// inflateAttachment gunzips a gzip-compressed attachment with a bound: the
// pprof parser would inflate it without one, and 24 KB of gzip can inflate to
// gigabytes. Other attachments are returned as they are.
func inflateAttachment(data []byte, limit int64) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	r := io.Reader(zr)
	if limit > 0 {
		r = io.LimitReader(zr, limit+1)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if limit > 0 && int64(len(out)) > limit {
		return nil, &LimitError{What: "bytes once inflated", Max: int(limit)}
	}
	return out, nil
}

// profileKind names the profile after its attachment: "delta-heap.pprof" →
// heap, "cpu.pprof" → cpu, "wall.pprof" → wall.
func profileKind(file string) profiles.Kind {
	name := strings.TrimSuffix(strings.TrimSuffix(file, ".gz"), ".pb")
	name = strings.TrimSuffix(name, ".pprof")
	name = strings.TrimPrefix(name, "delta-")
	if k, err := profiles.ParseKind(name); err == nil {
		return k
	}
	if name == "goroutines" {
		return profiles.KindGoroutine
	}
	return profiles.Kind(name)
}
