package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// multiFlag collects repeated key=value flags (--binary linux/amd64=path).
type multiFlag map[string]string

func (m multiFlag) String() string { return fmt.Sprint(map[string]string(m)) }
func (m multiFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want platform=path, got %q", s)
	}
	m[k] = v
	return nil
}

// ImageParams is everything one image build depends on.
type ImageParams struct {
	Binaries map[string]string // platform (linux/amd64) -> static binary
	SBOMs    map[string]string // platform -> CycloneDX SBOM of that binary
	Config   string            // the container's default config
	CABundle string            // PEM CA bundle
	Out      string            // output directory
	Repo     string            // image name without tag (otelcol-bridge)
	Version  string
	Revision string
	Licenses string
	Created  time.Time
}

func runImage(args []string) error {
	fl := flag.NewFlagSet("image", flag.ContinueOnError)
	p := ImageParams{Binaries: multiFlag{}, SBOMs: multiFlag{}}
	fl.Var(multiFlag(p.Binaries), "binary", "platform=path of the static binary (repeat per platform)")
	fl.Var(multiFlag(p.SBOMs), "sbom", "platform=path of the binary's CycloneDX SBOM (repeat per platform)")
	fl.StringVar(&p.Config, "config", "distro/config.container.yaml", "default config baked into the image")
	fl.StringVar(&p.CABundle, "ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "PEM CA bundle (Debian's ca-certificates)")
	fl.StringVar(&p.Out, "out", "dist/image", "output directory")
	fl.StringVar(&p.Repo, "repo", "otelcol-bridge", "image name for the tarballs' tag and the layout's ref annotation")
	fl.StringVar(&p.Version, "version", "", "image version (tag)")
	fl.StringVar(&p.Revision, "revision", "", "git commit")
	fl.StringVar(&p.Licenses, "licenses", "Apache-2.0", "SPDX license expression")
	epoch := fl.Int64("source-date-epoch", 0, "creation time (Unix seconds); the commit's time keeps builds reproducible")
	if err := fl.Parse(args); err != nil {
		return err
	}
	p.Created = time.Unix(*epoch, 0).UTC()
	if p.Version == "" || p.Revision == "" {
		return errors.New("--version and --revision are required")
	}
	res, err := BuildImage(p)
	if err != nil {
		return err
	}
	for _, pl := range res.Platforms {
		fmt.Printf("%-12s manifest %s  layer %s  %.1f MB compressed\n", pl.Platform, pl.Digest, pl.LayerDigest, float64(pl.LayerSize)/1e6)
	}
	fmt.Printf("index        %s  %s:%s\n", res.IndexDigest, p.Repo, p.Version)
	return nil
}

// PlatformResult describes one image of the index.
type PlatformResult struct {
	Platform    string
	Digest      v1.Hash
	LayerDigest v1.Hash
	LayerSize   int64
	Tarball     string
}

// ImageResult is what BuildImage wrote.
type ImageResult struct {
	IndexDigest v1.Hash
	Layout      string
	Platforms   []PlatformResult
}

// Labels are the OCI labels of an image built with p.
func Labels(p ImageParams) map[string]string {
	l := map[string]string{
		LabelVersion:  p.Version,
		LabelRevision: p.Revision,
		LabelCreated:  p.Created.Format(time.RFC3339),
		LabelLicenses: p.Licenses,
	}
	for k, v := range StaticLabels {
		l[k] = v
	}
	return l
}

// RootFS lists the files of the image (path inside the image -> source and mode) for one
// platform.
func RootFS(p ImageParams, platform string) ([]FileEntry, error) {
	bin, ok := p.Binaries[platform]
	if !ok {
		return nil, fmt.Errorf("no --binary for %s", platform)
	}
	sbom, ok := p.SBOMs[platform]
	if !ok {
		return nil, fmt.Errorf("no --sbom for %s", platform)
	}
	return []FileEntry{
		{Path: BinaryPath, Source: bin, Mode: 0o755},
		{Path: CABundlePath, Source: p.CABundle, Mode: 0o644},
		{Path: "/etc/passwd", Data: []byte(passwd), Mode: 0o644},
		{Path: "/etc/group", Data: []byte(group), Mode: 0o644},
		{Path: ConfigPath, Source: p.Config, Mode: 0o644},
		{Path: SBOMPath, Source: sbom, Mode: 0o644},
	}, nil
}

// FileEntry is one file of the image: from Source, or Data when Source is empty.
type FileEntry struct {
	Path   string
	Source string
	Data   []byte
	Mode   fs.FileMode
}

// BuildImage stages each platform's root file system under Out/rootfs-<arch> (the directory
// the Dockerfile copies), turns it into one layer, and writes the index as an OCI layout
// (Out/oci) and one docker-loadable tarball per platform.
func BuildImage(p ImageParams) (*ImageResult, error) {
	if err := os.MkdirAll(p.Out, 0o755); err != nil {
		return nil, err
	}
	tag, err := name.NewTag(p.Repo + ":" + p.Version)
	if err != nil {
		return nil, err
	}
	res := &ImageResult{Layout: filepath.Join(p.Out, "oci")}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	var adds []mutate.IndexAddendum
	platforms := make([]string, 0, len(p.Binaries))
	for pl := range p.Binaries {
		platforms = append(platforms, pl)
	}
	sort.Strings(platforms)
	if len(platforms) == 0 {
		return nil, errors.New("no --binary given")
	}
	for _, platform := range platforms {
		osName, arch, _ := strings.Cut(platform, "/")
		files, err := RootFS(p, platform)
		if err != nil {
			return nil, err
		}
		rootfs := filepath.Join(p.Out, "rootfs-"+arch)
		if err := stage(rootfs, files); err != nil {
			return nil, err
		}
		layerTar, err := TarDir(rootfs, p.Created)
		if err != nil {
			return nil, err
		}
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(layerTar)), nil
		}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressionLevel(gzip.BestCompression), tarball.WithCompressedCaching)
		if err != nil {
			return nil, err
		}
		img, err := platformImage(p, osName, arch, layer)
		if err != nil {
			return nil, err
		}
		d, err := img.Digest()
		if err != nil {
			return nil, err
		}
		ld, _ := layer.Digest()
		ls, _ := layer.Size()
		tb := filepath.Join(p.Out, fmt.Sprintf("%s_%s_%s_%s.docker.tar", p.Repo, p.Version, osName, arch))
		if err := tarball.WriteToFile(tb, tag, img); err != nil {
			return nil, fmt.Errorf("docker tarball: %w", err)
		}
		res.Platforms = append(res.Platforms, PlatformResult{Platform: platform, Digest: d, LayerDigest: ld, LayerSize: ls, Tarball: tb})
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: osName, Architecture: arch}}})
	}
	idx = mutate.AppendManifests(idx, adds...)
	idx = mutate.Annotations(idx, Labels(p)).(v1.ImageIndex)
	if res.IndexDigest, err = idx.Digest(); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(res.Layout); err != nil {
		return nil, err
	}
	lp, err := layout.Write(res.Layout, empty.Index)
	if err != nil {
		return nil, err
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": p.Version,
	})); err != nil {
		return nil, err
	}
	return res, nil
}

func platformImage(p ImageParams, osName, arch string, layer v1.Layer) (v1.Image, error) {
	ports := map[string]struct{}{}
	for _, port := range ExposedPorts {
		ports[port] = struct{}{}
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: p.Created},
			CreatedBy: "otelcol-bridge release image (tools/release)",
			Comment:   "static binary, CA bundle, passwd/group, default config, SBOM",
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = osName, arch
	cf.Created = v1.Time{Time: p.Created}
	cf.Config = v1.Config{
		User:         User,
		Entrypoint:   Entrypoint,
		Cmd:          Cmd,
		ExposedPorts: ports,
		Labels:       Labels(p),
		WorkingDir:   "/",
	}
	return mutate.ConfigFile(img, cf)
}

// stage writes files under dir (removed first), with exactly the given modes.
func stage(dir string, files []FileEntry) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		data := f.Data
		if f.Source != "" {
			var err error
			if data, err = os.ReadFile(f.Source); err != nil {
				return err
			}
		}
		if err := os.WriteFile(dst, data, f.Mode); err != nil {
			return err
		}
		if err := os.Chmod(dst, f.Mode); err != nil { // umask-proof
			return err
		}
	}
	return nil
}

// TarDir is a reproducible tar of dir: sorted entries, owner root, one fixed time, the
// modes on disk (directories 0755).
func TarDir(dir string, mtime time.Time) ([]byte, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, path := range paths {
		rel, _ := filepath.Rel(dir, path)
		info, err := os.Lstat(path)
		if err != nil {
			return nil, err
		}
		hdr := &tar.Header{Name: filepath.ToSlash(rel), ModTime: mtime, Format: tar.FormatPAX}
		switch {
		case info.IsDir():
			hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
		case info.Mode().IsRegular():
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, int64(info.Mode().Perm()), info.Size()
		default:
			return nil, fmt.Errorf("%s: only files and directories belong in the image", path)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if hdr.Typeflag == tar.TypeReg {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
