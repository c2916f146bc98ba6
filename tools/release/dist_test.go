//go:build release

package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChecksums: SHA256SUMS lists every archive, package and SBOM in dist/, and each hash
// is right.
func TestChecksums(t *testing.T) {
	dir := distDir(t)
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	require.NoError(t, err)
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, file, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, sc.Text())
		data, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		got := sha256.Sum256(data)
		assert.Equal(t, sum, hex.EncodeToString(got[:]), file)
		listed[file] = true
		t.Logf("%-55s %6.1f MB", file, float64(len(data))/1e6)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var want []string
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "SHA256SUMS" {
			want = append(want, e.Name())
		}
	}
	var got []string
	for f := range listed {
		got = append(got, f)
	}
	assert.ElementsMatch(t, want, got)
	assert.NotEmpty(t, got)
}

// TestArchives: each archive holds the binary (executable), the default config and the
// README under one top directory, with an SBOM beside it; the linux/amd64 one runs.
func TestArchives(t *testing.T) {
	dir := distDir(t)
	archives, _ := filepath.Glob(filepath.Join(dir, "otelcol-bridge_*.tar.gz"))
	require.NotEmpty(t, archives)
	for _, a := range archives {
		base := strings.TrimSuffix(filepath.Base(a), ".tar.gz")
		files := readTarGz(t, a)
		assert.ElementsMatch(t, []string{base + "/otelcol-bridge", base + "/config.yaml", base + "/README.md"}, keys(files), a)
		assert.Equal(t, int64(0o755), files[base+"/otelcol-bridge"].Mode)
		var bom struct {
			BOMFormat string `json:"bomFormat"`
		}
		data, err := os.ReadFile(filepath.Join(dir, base+".sbom.cdx.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &bom))
		assert.Equal(t, "CycloneDX", bom.BOMFormat)
		if strings.HasSuffix(base, "_linux_amd64") {
			bin := writeFile(t, t.TempDir(), "otelcol-bridge", files[base+"/otelcol-bridge"].Data, 0o755)
			assert.Contains(t, run(t, bin, "--version"), "commit: "+env(t, "COMMIT"))
		}
	}
}

// TestZipArchives: the Windows archive holds the .exe, the config and the README.
func TestZipArchives(t *testing.T) {
	zips, _ := filepath.Glob(filepath.Join(distDir(t), "otelcol-bridge_*.zip"))
	for _, z := range zips {
		base := strings.TrimSuffix(filepath.Base(z), ".zip")
		r, err := zip.OpenReader(z)
		require.NoError(t, err)
		var names []string
		for _, f := range r.File {
			names = append(names, f.Name)
			if strings.HasSuffix(f.Name, ".exe") {
				rc, err := f.Open()
				require.NoError(t, err)
				head := make([]byte, 2)
				_, err = io.ReadFull(rc, head)
				rc.Close()
				require.NoError(t, err)
				assert.Equal(t, "MZ", string(head), "a Windows executable")
			}
		}
		r.Close()
		assert.ElementsMatch(t, []string{base + "/otelcol-bridge.exe", base + "/config.yaml", base + "/README.md"}, names)
		_, err = os.Stat(filepath.Join(distDir(t), base+".sbom.cdx.json"))
		assert.NoError(t, err, "SBOM beside %s", z)
	}
}

func keys(m map[string]layerFile) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func readTarGz(t *testing.T, path string) map[string]layerFile {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	out := map[string]layerFile{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = layerFile{Mode: h.Mode, Data: data}
	}
}

// TestRPM: the .rpm files exist and carry the RPM lead (no rpm tool on Debian to go further;
// nfpm builds them from the same contents as the .deb).
func TestRPM(t *testing.T) {
	rpms, _ := filepath.Glob(filepath.Join(distDir(t), "otelcol-bridge-*.rpm"))
	require.NotEmpty(t, rpms)
	for _, r := range rpms {
		f, err := os.Open(r)
		require.NoError(t, err)
		lead := make([]byte, 96)
		_, err = io.ReadFull(f, lead)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, []byte{0xed, 0xab, 0xee, 0xdb}, lead[:4], r)
		assert.Contains(t, string(lead[10:76]), "otelcol-bridge", r)
		if rpm, err := exec.LookPath("rpm"); err == nil {
			out := run(t, rpm, "-qlp", r)
			for _, p := range []string{"/usr/bin/otelcol-bridge", "/etc/otelcol-bridge/config.yaml", "/etc/otelcol-bridge/otelcol-bridge.conf", "/lib/systemd/system/otelcol-bridge.service"} {
				assert.Contains(t, out, p)
			}
		}
	}
}

// TestDebInstall installs the amd64 .deb with dpkg on this machine (root), checks what it
// put where, runs the installed binary the way the systemd unit does until it is healthy,
// then removes the package and checks the conffiles stay.
func TestDebInstall(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("dpkg -i needs root (CI runs as root)")
	}
	debs, _ := filepath.Glob(filepath.Join(distDir(t), "otelcol-bridge_*_amd64.deb"))
	require.Len(t, debs, 1)
	deb := debs[0]
	if out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", "otelcol-bridge").CombinedOutput(); err == nil && strings.Contains(string(out), "installed") {
		t.Fatalf("otelcol-bridge is already installed on this machine (%s); remove it first: dpkg --purge otelcol-bridge", out)
	}
	_, userErr := user.Lookup("otelcol-bridge")
	userExisted := userErr == nil
	t.Cleanup(func() {
		_ = exec.Command("dpkg", "--purge", "otelcol-bridge").Run()
		if !userExisted {
			_ = exec.Command("userdel", "otelcol-bridge").Run()
			_ = exec.Command("groupdel", "otelcol-bridge").Run()
		}
	})

	fields := run(t, "dpkg-deb", "-f", deb, "Package", "Version", "Architecture")
	assert.Contains(t, fields, "Package: otelcol-bridge\n")
	assert.Contains(t, fields, "Architecture: amd64\n")

	run(t, "dpkg", "-i", deb)

	// Files.
	listed := run(t, "dpkg", "-L", "otelcol-bridge")
	for _, p := range []string{"/usr/bin/otelcol-bridge", "/etc/otelcol-bridge/config.yaml",
		"/etc/otelcol-bridge/otelcol-bridge.conf", "/lib/systemd/system/otelcol-bridge.service",
		"/usr/share/doc/otelcol-bridge/sbom.cdx.json"} {
		assert.Contains(t, listed, p+"\n")
		_, err := os.Stat(p)
		assert.NoError(t, err)
	}
	cf := run(t, "dpkg-query", "-W", "-f=${Conffiles}", "otelcol-bridge")
	assert.Contains(t, cf, "/etc/otelcol-bridge/config.yaml ")
	assert.Contains(t, cf, "/etc/otelcol-bridge/otelcol-bridge.conf ")
	installedCfg, err := os.ReadFile("/etc/otelcol-bridge/config.yaml")
	require.NoError(t, err)
	shipped, err := os.ReadFile(filepath.Join(repoRoot(t), "distro", "config.yaml"))
	require.NoError(t, err)
	assert.Equal(t, string(shipped), string(installedCfg))
	assert.Contains(t, run(t, "/usr/bin/otelcol-bridge", "--version"), "commit: "+env(t, "COMMIT"))

	// The dedicated system user.
	u, err := user.Lookup("otelcol-bridge")
	require.NoError(t, err)
	uid, _ := strconv.Atoi(u.Uid)
	assert.Less(t, uid, 1000, "a system user")
	shell := strings.TrimSpace(run(t, "getent", "passwd", "otelcol-bridge"))
	assert.True(t, strings.HasSuffix(shell, ":/usr/sbin/nologin"), shell)
	st, err := os.Stat("/var/lib/otelcol-bridge")
	require.NoError(t, err)
	assert.True(t, st.IsDir())

	// The unit.
	unitPath := "/lib/systemd/system/otelcol-bridge.service"
	unit := parseUnit(t, unitPath)
	assert.Equal(t, "otelcol-bridge", unit["User"])
	assert.Equal(t, "/etc/otelcol-bridge/otelcol-bridge.conf", unit["EnvironmentFile"])
	assert.Equal(t, "/usr/bin/otelcol-bridge $OTELCOL_OPTIONS", unit["ExecStart"])
	if sa, err := exec.LookPath("systemd-analyze"); err == nil {
		out, err := exec.Command(sa, "verify", unitPath).CombinedOutput()
		assert.NoError(t, err, "systemd-analyze verify:\n%s", out)
		if len(out) > 0 {
			t.Logf("systemd-analyze verify:\n%s", out)
		}
	}

	// Run it as the unit would: EnvironmentFile's OTELCOL_OPTIONS, as User, in
	// WorkingDirectory, on the installed config; healthy on its default port 13133 (in a
	// network namespace of its own).
	opts := envFileValue(t, unit["EnvironmentFile"], "OTELCOL_OPTIONS")
	assert.Equal(t, "--config=/etc/otelcol-bridge/config.yaml", opts)
	exec0 := strings.Fields(strings.ReplaceAll(unit["ExecStart"], "$OTELCOL_OPTIONS", opts))
	argv := append([]string{"setpriv", "--reuid=" + unit["User"], "--regid=" + unit["Group"], "--init-groups", "--"}, exec0...)
	cmd, logs := startInNetns(t, unit["WorkingDirectory"], argv...)
	waitHealthy(t, cmd, logs, "http://127.0.0.1:13133/")
	// (It would not start without ./data: the file exporters need it and do not create it.)
	data, err := os.Stat(filepath.Join(unit["WorkingDirectory"], "data"))
	require.NoError(t, err, "postinstall creates ./data in the state directory")
	assert.True(t, data.IsDir())
	assert.Equal(t, u.Uid, strconv.Itoa(int(fileUID(data))), "./data belongs to the service user")

	// An edited conffile survives removal.
	f, err := os.OpenFile("/etc/otelcol-bridge/otelcol-bridge.conf", os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("# edited by TestDebInstall\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	run(t, "dpkg", "-r", "otelcol-bridge")
	for _, p := range []string{"/usr/bin/otelcol-bridge", unitPath} {
		_, err := os.Stat(p)
		assert.True(t, os.IsNotExist(err), "%s removed", p)
	}
	kept, err := os.ReadFile("/etc/otelcol-bridge/otelcol-bridge.conf")
	require.NoError(t, err, "conffile kept after dpkg -r")
	assert.Contains(t, string(kept), "# edited by TestDebInstall")
	_, err = os.Stat("/etc/otelcol-bridge/config.yaml")
	assert.NoError(t, err, "config.yaml kept after dpkg -r")
	assert.Contains(t, run(t, "dpkg-query", "-W", "-f=${Status}", "otelcol-bridge"), "config-files")

	run(t, "dpkg", "--purge", "otelcol-bridge")
	_, err = os.Stat("/etc/otelcol-bridge/config.yaml")
	assert.True(t, os.IsNotExist(err), "purge removes the conffiles")
}

// parseUnit reads the key=value lines of a systemd unit (last one wins).
func parseUnit(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

var envLine = regexp.MustCompile(`^([A-Z_]+)="?(.*?)"?$`)

// envFileValue reads KEY="value" from a systemd EnvironmentFile.
func envFileValue(t *testing.T, path, key string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		if m := envLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil && m[1] == key {
			return m[2]
		}
	}
	t.Fatalf("%s: no %s", path, key)
	return ""
}
