//go:build release

package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// layerFile is one regular file of the image's layer.
type layerFile struct {
	Mode int64
	Data []byte
}

// imageOf returns the index's image for a platform (linux/amd64).
func imageOf(t *testing.T, idx v1.ImageIndex, platform string) (v1.Image, v1.Descriptor) {
	t.Helper()
	m, err := idx.IndexManifest()
	require.NoError(t, err)
	for _, d := range m.Manifests {
		if d.Platform != nil && d.Platform.OS+"/"+d.Platform.Architecture == platform {
			img, err := idx.Image(d.Digest)
			require.NoError(t, err)
			return img, d
		}
	}
	t.Fatalf("no %s image in the index", platform)
	return nil, v1.Descriptor{}
}

// layerFiles reads the image's single layer: regular files by absolute path, and the
// directories.
func layerFiles(t *testing.T, img v1.Image) (map[string]layerFile, []string) {
	t.Helper()
	layers, err := img.Layers()
	require.NoError(t, err)
	require.Len(t, layers, 1, "one layer: the whole root file system")
	mt, err := layers[0].MediaType()
	require.NoError(t, err)
	assert.Equal(t, types.OCILayer, mt)
	rc, err := layers[0].Uncompressed()
	require.NoError(t, err)
	defer rc.Close()
	files := map[string]layerFile{}
	var dirs []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		assert.Zero(t, h.Uid, h.Name)
		assert.Zero(t, h.Gid, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			dirs = append(dirs, "/"+strings.TrimSuffix(h.Name, "/"))
		case tar.TypeReg:
			data, err := io.ReadAll(tr)
			require.NoError(t, err)
			files["/"+h.Name] = layerFile{Mode: h.Mode, Data: data}
		default:
			t.Errorf("unexpected entry %s (type %c)", h.Name, h.Typeflag)
		}
	}
	return files, dirs
}

func loadIndex(t *testing.T) v1.ImageIndex {
	t.Helper()
	idx, err := LoadIndex(filepath.Join(distDir(t), "image", "oci"))
	require.NoError(t, err)
	return idx
}

func expectedLabels(t *testing.T) map[string]string {
	return map[string]string{
		LabelTitle:    "otelcol-bridge",
		LabelSource:   "https://github.com/otelcol-bridge/otelcol-bridge",
		LabelVersion:  env(t, "VERSION"),
		LabelRevision: env(t, "COMMIT"),
		LabelCreated:  createdTime(t).Format(time.RFC3339),
		LabelLicenses: "Apache-2.0",
		SBOMLabel:     SBOMPath,
	}
}

func TestImageIndex(t *testing.T) {
	idx := loadIndex(t)
	mt, err := idx.MediaType()
	require.NoError(t, err)
	assert.Equal(t, types.OCIImageIndex, mt)
	m, err := idx.IndexManifest()
	require.NoError(t, err)
	var platforms []string
	for _, d := range m.Manifests {
		platforms = append(platforms, d.Platform.OS+"/"+d.Platform.Architecture)
		assert.Equal(t, types.OCIManifestSchema1, d.MediaType)
	}
	assert.ElementsMatch(t, imagePlatforms(t), platforms)
	assert.Equal(t, expectedLabels(t), m.Annotations, "the index carries the labels as annotations")
	d, _ := idx.Digest()
	t.Logf("index %s", d)
}

func TestImageConfigAndFiles(t *testing.T) {
	idx := loadIndex(t)
	root := repoRoot(t)
	containerConfig, err := os.ReadFile(filepath.Join(root, "distro", "config.container.yaml"))
	require.NoError(t, err)
	for _, platform := range imagePlatforms(t) {
		t.Run(platform, func(t *testing.T) {
			img, desc := imageOf(t, idx, platform)
			cf, err := img.ConfigFile()
			require.NoError(t, err)
			arch := strings.TrimPrefix(platform, "linux/")
			assert.Equal(t, "linux", cf.OS)
			assert.Equal(t, arch, cf.Architecture)
			assert.Equal(t, "10001:10001", cf.Config.User)
			assert.Equal(t, []string{"/otelcol-bridge"}, cf.Config.Entrypoint)
			assert.Equal(t, []string{"--config=/etc/otelcol-bridge/config.yaml"}, cf.Config.Cmd)
			var ports []string
			for p := range cf.Config.ExposedPorts {
				ports = append(ports, p)
			}
			assert.ElementsMatch(t, []string{"4317/tcp", "4318/tcp", "14250/tcp", "14268/tcp", "6831/udp", "6832/udp",
				"9411/tcp", "8126/tcp", "8888/tcp", "8889/tcp", "13133/tcp"}, ports)
			assert.Equal(t, expectedLabels(t), cf.Config.Labels)
			assert.Equal(t, createdTime(t), cf.Created.Time.UTC())

			files, dirs := layerFiles(t, img)
			var paths []string
			for p := range files {
				paths = append(paths, p)
			}
			assert.ElementsMatch(t, []string{"/otelcol-bridge", "/etc/ssl/certs/ca-certificates.crt", "/etc/passwd",
				"/etc/group", "/etc/otelcol-bridge/config.yaml", SBOMPath}, paths)
			assert.Contains(t, dirs, "/etc/otelcol-bridge")
			assert.Equal(t, int64(0o755), files["/otelcol-bridge"].Mode)
			assert.Contains(t, string(files["/etc/passwd"].Data), "otelcol-bridge:x:10001:10001:")
			assert.Contains(t, string(files["/etc/group"].Data), "otelcol-bridge:x:10001:")
			assert.Equal(t, string(containerConfig), string(files["/etc/otelcol-bridge/config.yaml"].Data))
			assert.Contains(t, string(files["/etc/otelcol-bridge/config.yaml"].Data), "endpoint: 0.0.0.0:4317")

			pool := x509.NewCertPool()
			require.True(t, pool.AppendCertsFromPEM(files["/etc/ssl/certs/ca-certificates.crt"].Data), "CA bundle is PEM")
			assert.Greater(t, bytes.Count(files["/etc/ssl/certs/ca-certificates.crt"].Data, []byte("BEGIN CERTIFICATE")), 50)

			// The binary is static and built for the platform.
			f, err := elf.NewFile(bytes.NewReader(files["/otelcol-bridge"].Data))
			require.NoError(t, err)
			want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
			assert.Equal(t, want, f.Machine)
			for _, p := range f.Progs {
				assert.NotEqual(t, elf.PT_INTERP, p.Type, "static binary: no dynamic loader")
			}

			// The label-referenced SBOM describes this binary's modules.
			var bom struct {
				BOMFormat  string `json:"bomFormat"`
				Components []struct {
					Name    string `json:"name"`
					Version string `json:"version"`
				} `json:"components"`
			}
			require.NoError(t, json.Unmarshal(files[cf.Config.Labels[SBOMLabel]].Data, &bom))
			assert.Equal(t, "CycloneDX", bom.BOMFormat)
			found := false
			for _, c := range bom.Components {
				if c.Name == "go.opentelemetry.io/collector/otelcol" {
					found = true
					assert.Equal(t, "v0.158.0", c.Version)
				}
			}
			assert.True(t, found, "SBOM lists go.opentelemetry.io/collector/otelcol")

			size, _ := img.Size()
			layers, _ := img.Layers()
			ls, _ := layers[0].Size()
			t.Logf("%s manifest %s (%d bytes), layer %.1f MB compressed", platform, desc.Digest, size, float64(ls)/1e6)
		})
	}
}

// TestImageBinaryRuns extracts the amd64 image's binary and config and runs them: --version
// carries the build metadata, validate accepts the embedded config, and the collector
// starts on it and turns healthy on 0.0.0.0:13133 (in a network namespace of its own).
func TestImageBinaryRuns(t *testing.T) {
	img, _ := imageOf(t, loadIndex(t), "linux/amd64")
	files, _ := layerFiles(t, img)
	dir := t.TempDir()
	bin := writeFile(t, dir, "otelcol-bridge", files["/otelcol-bridge"].Data, 0o755)
	cfg := writeFile(t, dir, "config.yaml", files["/etc/otelcol-bridge/config.yaml"].Data, 0o644)

	out := run(t, bin, "--version")
	assert.Contains(t, out, "otelcol-bridge version "+env(t, "VERSION")+"\n")
	assert.Contains(t, out, "commit: "+env(t, "COMMIT")+"\n")
	assert.Contains(t, out, "built: "+createdTime(t).Format("2006-01-02T15:04:05Z")+"\n")
	assert.Contains(t, out, " linux/amd64\n")

	run(t, bin, "validate", "--config="+cfg)

	cmd, logs := startInNetns(t, dir, bin, "--config="+cfg)
	waitHealthy(t, cmd, logs, "http://127.0.0.1:13133/")
	assert.Contains(t, logs.String(), "Everything is ready")
}

// TestDockerfileEquivalent reads the Dockerfile and checks that a docker build of it would
// produce what `make image` did: the same files (it copies the staged root file system the
// layer was made from), user, entrypoint, command, ports and labels.
func TestDockerfileEquivalent(t *testing.T) {
	df := parseDockerfile(t, filepath.Join(repoRoot(t), "Dockerfile"))
	idx := loadIndex(t)
	img, _ := imageOf(t, idx, "linux/amd64")
	cf, err := img.ConfigFile()
	require.NoError(t, err)

	assert.Equal(t, []string{"scratch"}, df.from, "no base image")
	assert.Equal(t, cf.Config.User, df.user)
	assert.Equal(t, cf.Config.Entrypoint, df.entrypoint)
	assert.Equal(t, cf.Config.Cmd, df.cmd)
	var ports []string
	for p := range cf.Config.ExposedPorts {
		ports = append(ports, p)
	}
	assert.ElementsMatch(t, ports, df.expose)
	// Labels: the same keys; fixed values equal; build values from the matching ARG.
	args := map[string]string{"VERSION": env(t, "VERSION"), "REVISION": env(t, "COMMIT"),
		"CREATED": createdTime(t).Format(time.RFC3339)}
	for _, a := range []string{"VERSION", "REVISION", "CREATED"} {
		assert.Contains(t, df.args, a, "ARG %s", a)
	}
	got := map[string]string{}
	for k, v := range df.labels {
		got[k] = os.Expand(v, func(n string) string { return args[n] })
	}
	assert.Equal(t, cf.Config.Labels, got)

	// COPY dist/image/rootfs-${TARGETARCH}/ / : the staged directory holds exactly the
	// layer's files, byte for byte and mode for mode.
	require.Len(t, df.copies, 1)
	assert.Equal(t, "/", df.copies[0][1])
	for _, platform := range imagePlatforms(t) {
		arch := strings.TrimPrefix(platform, "linux/")
		src := filepath.Join(repoRoot(t), strings.ReplaceAll(df.copies[0][0], "${TARGETARCH}", arch))
		img, _ := imageOf(t, idx, platform)
		files, _ := layerFiles(t, img)
		assert.Equal(t, digestFiles(files), digestDir(t, src), platform)
	}
	// The build context lets exactly that directory through.
	ignore, err := os.ReadFile(filepath.Join(repoRoot(t), ".dockerignore"))
	require.NoError(t, err)
	assert.Contains(t, string(ignore), "!dist/image/rootfs-*")
}

func digestFiles(files map[string]layerFile) map[string]string {
	out := map[string]string{}
	for p, f := range files {
		sum := sha256.Sum256(f.Data)
		out[p] = hex.EncodeToString(sum[:]) + " " + os.FileMode(f.Mode).String()
	}
	return out
}

func digestDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]layerFile{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files["/"+filepath.ToSlash(rel)] = layerFile{Mode: int64(info.Mode().Perm()), Data: data}
		return err
	})
	require.NoError(t, err)
	return digestFiles(files)
}

type dockerfile struct {
	from, args, expose []string
	user               string
	entrypoint, cmd    []string
	labels             map[string]string
	copies             [][2]string
}

// parseDockerfile understands the instructions this project's Dockerfile uses.
func parseDockerfile(t *testing.T, path string) dockerfile {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	text := strings.ReplaceAll(string(raw), "\\\n", " ")
	df := dockerfile{labels: map[string]string{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "FROM":
			df.from = append(df.from, rest)
		case "ARG":
			n, _, _ := strings.Cut(rest, "=")
			df.args = append(df.args, n)
		case "USER":
			df.user = rest
		case "EXPOSE":
			for _, p := range strings.Fields(rest) {
				if !strings.Contains(p, "/") {
					p += "/tcp"
				}
				df.expose = append(df.expose, p)
			}
		case "ENTRYPOINT":
			require.NoError(t, json.Unmarshal([]byte(rest), &df.entrypoint), line)
		case "CMD":
			require.NoError(t, json.Unmarshal([]byte(rest), &df.cmd), line)
		case "LABEL":
			for _, kv := range strings.Fields(rest) {
				k, v, ok := strings.Cut(kv, "=")
				require.True(t, ok, kv)
				df.labels[k] = strings.Trim(v, `"`)
			}
		case "COPY":
			f := strings.Fields(rest)
			require.Len(t, f, 2, "COPY src dst: %s", line)
			df.copies = append(df.copies, [2]string{f[0], f[1]})
		default:
			t.Fatalf("Dockerfile instruction this test does not know: %s", line)
		}
	}
	sort.Strings(df.args)
	return df
}

// TestDockerTarballs: the per-platform tarballs load as the same image (same config and
// layer) under the tag that `make image` names.
func TestDockerTarballs(t *testing.T) {
	idx := loadIndex(t)
	for _, platform := range imagePlatforms(t) {
		arch := strings.TrimPrefix(platform, "linux/")
		tag, err := name.NewTag(env(t, "IMAGE_REPO") + ":" + env(t, "VERSION"))
		require.NoError(t, err)
		path := filepath.Join(distDir(t), "image", env(t, "IMAGE_REPO")+"_"+env(t, "VERSION")+"_linux_"+arch+".docker.tar")
		fromTar, err := tarball.ImageFromPath(path, &tag)
		require.NoError(t, err, platform)
		want, _ := imageOf(t, idx, platform)
		wantCfg, _ := want.ConfigName()
		gotCfg, err := fromTar.ConfigName()
		require.NoError(t, err)
		assert.Equal(t, wantCfg, gotCfg, platform)
		st, _ := os.Stat(path)
		t.Logf("%s: %.1f MB", filepath.Base(path), float64(st.Size())/1e6)
	}
}

// TestPush pushes the layout with Push (what make image-push runs) to a registry on
// loopback and reads the index back.
func TestPush(t *testing.T) {
	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/team/otelcol-bridge:" + env(t, "VERSION")
	d, err := Push(filepath.Join(distDir(t), "image", "oci"), ref)
	require.NoError(t, err)
	want, _ := loadIndex(t).Digest()
	assert.Equal(t, want, d)

	r, err := name.ParseReference(ref)
	require.NoError(t, err)
	desc, err := remote.Get(r)
	require.NoError(t, err)
	assert.Equal(t, want, desc.Digest)
	for _, platform := range imagePlatforms(t) {
		arch := strings.TrimPrefix(platform, "linux/")
		img, err := remote.Image(r, remote.WithPlatform(v1.Platform{OS: "linux", Architecture: arch}))
		require.NoError(t, err)
		cf, err := img.ConfigFile()
		require.NoError(t, err)
		assert.Equal(t, arch, cf.Architecture)
	}
}
