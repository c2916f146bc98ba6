package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func runPush(args []string) error {
	fl := flag.NewFlagSet("push", flag.ContinueOnError)
	dir := fl.String("layout", "dist/image/oci", "OCI layout directory written by `release image`")
	ref := fl.String("image", "", "destination, registry/name:tag")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *ref == "" {
		return errors.New("--image registry/name:tag is required")
	}
	d, err := Push(*dir, *ref)
	if err != nil {
		return err
	}
	fmt.Printf("pushed %s@%s\n", *ref, d)
	return nil
}

// LoadIndex opens the image index that `release image` appended to an OCI layout.
func LoadIndex(dir string) (v1.ImageIndex, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	top, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	m, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(m.Manifests) != 1 {
		return nil, fmt.Errorf("%s: want one image index in index.json, found %d entries", dir, len(m.Manifests))
	}
	return top.ImageIndex(m.Manifests[0].Digest)
}

// Push uploads the layout's index (both platforms) to ref, with the credentials of the
// docker config (docker login) if any; it returns the index digest.
func Push(dir, ref string) (v1.Hash, error) {
	idx, err := LoadIndex(dir)
	if err != nil {
		return v1.Hash{}, err
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.WriteIndex(r, idx, remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return v1.Hash{}, err
	}
	return idx.Digest()
}
