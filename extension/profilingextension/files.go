package profilingextension

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"
)

const fileSuffix = ".pb.gz"

// filesDest writes one gzipped pprof per profile and deletes its oldest files past
// max_files or max_total_size_mib. It only ever deletes files named like its own
// (<prefix>-<kind>-<time>.pb.gz), so a shared directory is safe.
type filesDest struct {
	cfg    *FilesConfig
	prefix string
	logger *zap.Logger
}

func newFiles(cfg *FilesConfig, logger *zap.Logger, resource map[string]string) *filesDest {
	prefix := resource["service.name"]
	if prefix == "" {
		prefix = "otelcol"
	}
	return &filesDest{cfg: cfg, prefix: safeName(prefix), logger: logger}
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

func (d *filesDest) name() string { return "files" }

func (d *filesDest) start(context.Context, component.Host) error {
	if err := os.MkdirAll(d.cfg.Directory, 0o750); err != nil {
		return fmt.Errorf("creating files::directory: %w", err)
	}
	return nil
}

func (d *filesDest) send(ctx context.Context, b *batch) []error {
	data, encErrs := b.pprofFiles()
	errs := make([]error, len(b.items))
	for i, c := range b.items {
		if encErrs[i] != nil {
			errs[i] = encErrs[i]
			continue
		}
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		errs[i] = d.write(d.fileName(c), data[i])
	}
	if err := d.rotate(); err != nil {
		// The profiles are written; a failed cleanup is retried after the next cycle.
		d.logger.Warn("Removing old profile files failed", zap.String("directory", d.cfg.Directory), zap.Error(err))
	}
	return errs
}

// fileName sorts by time within a kind: <prefix>-<kind>-20060102T150405.000Z.pb.gz.
func (d *filesDest) fileName(c captured) string {
	ts := c.until.UTC().Format("20060102T150405.000Z")
	return filepath.Join(d.cfg.Directory, fmt.Sprintf("%s-%s-%s%s", d.prefix, c.kind, ts, fileSuffix))
}

// write goes through a temporary file so a reader never sees half a profile.
func (d *filesDest) write(path string, data []byte) error {
	tmp, err := os.CreateTemp(d.cfg.Directory, ".profiling-*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

type ownFile struct {
	path string
	size int64
	mod  time.Time
}

func (d *filesDest) rotate() error {
	if d.cfg.MaxFiles == 0 && d.cfg.MaxTotalSizeMiB == 0 {
		return nil
	}
	entries, err := os.ReadDir(d.cfg.Directory)
	if err != nil {
		return err
	}
	var files []ownFile
	var total int64
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, d.prefix+"-") || !strings.HasSuffix(n, fileSuffix) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		files = append(files, ownFile{path: filepath.Join(d.cfg.Directory, n), size: info.Size(), mod: info.ModTime()})
		total += info.Size()
	}
	sort.Slice(files, func(i, j int) bool {
		if !files[i].mod.Equal(files[j].mod) {
			return files[i].mod.Before(files[j].mod)
		}
		return files[i].path < files[j].path
	})
	maxBytes := int64(d.cfg.MaxTotalSizeMiB) << 20
	var errs []error
	for len(files) > 0 && ((d.cfg.MaxFiles > 0 && len(files) > d.cfg.MaxFiles) || (maxBytes > 0 && total > maxBytes)) {
		if err := os.Remove(files[0].path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		total -= files[0].size
		files = files[1:]
	}
	return errors.Join(errs...)
}

func (d *filesDest) shutdown(context.Context) error { return nil }
