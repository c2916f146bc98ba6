package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func runArchive(args []string) error {
	fl := flag.NewFlagSet("archive", flag.ContinueOnError)
	out := fl.String("out", "", "archive to write: NAME.tar.gz or NAME.zip; NAME is also the top directory inside")
	files := multiFlag{}
	fl.Var(files, "file", "name-in-archive=path (repeat)")
	exe := fl.String("exe", "", "name-in-archive of the executable (mode 0755)")
	epoch := fl.Int64("source-date-epoch", 0, "file time (Unix seconds)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *out == "" || len(files) == 0 {
		return errors.New("--out and at least one --file are required")
	}
	return Archive(*out, files, *exe, time.Unix(*epoch, 0).UTC())
}

// Archive writes a tar.gz or zip (by out's extension) of files under one top directory
// named after the archive, sorted, with one fixed time, so that equal inputs give equal bytes.
func Archive(out string, files map[string]string, exe string, mtime time.Time) error {
	base := filepath.Base(out)
	top := strings.TrimSuffix(strings.TrimSuffix(base, ".tar.gz"), ".zip")
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	mode := func(n string) int64 {
		if n == exe {
			return 0o755
		}
		return 0o644
	}
	switch {
	case strings.HasSuffix(base, ".tar.gz"):
		gz, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
		tw := tar.NewWriter(gz)
		for _, n := range names {
			data, err := os.ReadFile(files[n])
			if err != nil {
				return err
			}
			hdr := &tar.Header{Name: top + "/" + n, Mode: mode(n), Size: int64(len(data)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if _, err := tw.Write(data); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		if err := gz.Close(); err != nil {
			return err
		}
	case strings.HasSuffix(base, ".zip"):
		zw := zip.NewWriter(f)
		for _, n := range names {
			data, err := os.ReadFile(files[n])
			if err != nil {
				return err
			}
			h := &zip.FileHeader{Name: top + "/" + n, Method: zip.Deflate, Modified: mtime}
			h.SetMode(os.FileMode(mode(n)))
			w, err := zw.CreateHeader(h)
			if err != nil {
				return err
			}
			if _, err := w.Write(data); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s: want .tar.gz or .zip", out)
	}
	return f.Close()
}

func runChecksums(args []string) error {
	fl := flag.NewFlagSet("checksums", flag.ContinueOnError)
	out := fl.String("out", "dist/SHA256SUMS", "file to write")
	if err := fl.Parse(args); err != nil {
		return err
	}
	return Checksums(*out, fl.Args())
}

// Checksums writes `sha256sum` format lines (hash, two spaces, base name) for paths, sorted by
// name, so `sha256sum -c SHA256SUMS` verifies them in their directory.
func Checksums(out string, paths []string) error {
	sort.Slice(paths, func(i, j int) bool { return filepath.Base(paths[i]) < filepath.Base(paths[j]) })
	var b strings.Builder
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, bufio.NewReader(f))
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), filepath.Base(p))
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}
