//go:build release

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelmDefaultImage: the chart's default image (image.repository, and the tag that
// defaults to appVersion) is the name `make image` gives its image, so a loaded tarball is
// found without any --set. On a release tag this fails until the chart's appVersion moves too.
func TestHelmDefaultImage(t *testing.T) {
	chart := filepath.Join(repoRoot(t), "helm", "otelcol-bridge")
	values, err := os.ReadFile(filepath.Join(chart, "values.yaml"))
	require.NoError(t, err)
	meta, err := os.ReadFile(filepath.Join(chart, "Chart.yaml"))
	require.NoError(t, err)
	img := regexp.MustCompile(`(?m)^image:\n(?:  #.*\n)*  repository: (\S+)\n(?:  #.*\n)*  tag: "(.*)"`).FindSubmatch(values)
	require.NotNil(t, img, "image.repository and image.tag in values.yaml")
	app := regexp.MustCompile(`(?m)^appVersion: "?([^"\n]+)"?$`).FindSubmatch(meta)
	require.NotNil(t, app, "appVersion in Chart.yaml")
	assert.Equal(t, env(t, "IMAGE_REPO"), string(img[1]))
	assert.Empty(t, string(img[2]), "the tag defaults to appVersion")
	assert.Equal(t, env(t, "VERSION"), string(app[1]), "Chart.yaml appVersion is the image's tag")
}
