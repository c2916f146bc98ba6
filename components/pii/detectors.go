package pii

import (
	"fmt"
	"sort"
)

// Detector names, as used in configuration and telemetry.
const (
	DetectorCreditCard     = "credit_card"
	DetectorIBAN           = "iban"
	DetectorEmail          = "email"
	DetectorPhone          = "phone"
	DetectorUSSSN          = "us_ssn"
	DetectorIPv4           = "ipv4"
	DetectorIPv6           = "ipv6"
	DetectorJWT            = "jwt"
	DetectorAWSAccessKeyID = "aws_access_key_id"
	DetectorAWSSecretKey   = "aws_secret_key"
	DetectorGCPAPIKey      = "gcp_api_key"
	DetectorGitHubToken    = "github_token"
	DetectorGitLabToken    = "gitlab_token"
	DetectorSlackToken     = "slack_token"
	DetectorStripeKey      = "stripe_key"
	DetectorPrivateKey     = "private_key"
	DetectorAuthHeader     = "auth_header"
	DetectorURLCredentials = "url_credentials"
	DetectorSecretKV       = "secret_kv"
)

// detector is the index of a built-in detector in Engine.ruleOf.
type detector uint8

const (
	dCard detector = iota
	dIBAN
	dEmail
	dPhone
	dSSN
	dIPv4
	dIPv6
	dJWT
	dAWSKeyID
	dAWSSecret
	dGCPKey
	dGitHub
	dGitLab
	dSlack
	dStripe
	dPEM
	dAuth
	dURLCreds
	dSecretKV
	numDetectors
)

var detectorNames = [numDetectors]string{
	dCard: DetectorCreditCard, dIBAN: DetectorIBAN, dEmail: DetectorEmail, dPhone: DetectorPhone,
	dSSN: DetectorUSSSN, dIPv4: DetectorIPv4, dIPv6: DetectorIPv6, dJWT: DetectorJWT,
	dAWSKeyID: DetectorAWSAccessKeyID, dAWSSecret: DetectorAWSSecretKey, dGCPKey: DetectorGCPAPIKey,
	dGitHub: DetectorGitHubToken, dGitLab: DetectorGitLabToken, dSlack: DetectorSlackToken,
	dStripe: DetectorStripeKey, dPEM: DetectorPrivateKey, dAuth: DetectorAuthHeader,
	dURLCreds: DetectorURLCredentials, dSecretKV: DetectorSecretKV,
}

// Preset names.
const (
	PresetPCI     = "pci"
	PresetSecrets = "secrets"
	PresetPII     = "pii"
	PresetAll     = "all"
)

// presets maps a preset to its detectors. ipv4 and ipv6 are in no preset: addresses are
// operational data far more often than personal data, so they are opt-in by name.
var presets = map[string][]string{
	PresetPCI: {DetectorCreditCard},
	PresetSecrets: {
		DetectorCreditCard, DetectorJWT, DetectorAWSAccessKeyID, DetectorAWSSecretKey,
		DetectorGCPAPIKey, DetectorGitHubToken, DetectorGitLabToken, DetectorSlackToken,
		DetectorStripeKey, DetectorPrivateKey, DetectorAuthHeader, DetectorURLCredentials,
		DetectorSecretKV,
	},
	PresetPII: {DetectorEmail, DetectorPhone, DetectorUSSSN, DetectorIBAN, DetectorCreditCard},
}

func init() {
	seen := map[string]bool{}
	var all []string
	for _, p := range []string{PresetPCI, PresetSecrets, PresetPII} {
		for _, d := range presets[p] {
			if !seen[d] {
				seen[d] = true
				all = append(all, d)
			}
		}
	}
	presets[PresetAll] = all
}

// Presets lists the preset names.
func Presets() []string { return []string{PresetPCI, PresetSecrets, PresetPII, PresetAll} }

// PresetDetectors returns the detectors of a preset, or false for an unknown preset.
func PresetDetectors(name string) ([]string, bool) {
	d, ok := presets[name]
	return append([]string(nil), d...), ok
}

// Detectors lists every built-in detector name, sorted.
func Detectors() []string {
	out := make([]string, 0, numDetectors)
	for _, n := range detectorNames {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func detectorByName(name string) (detector, bool) {
	for i, n := range detectorNames {
		if n == name {
			return detector(i), true
		}
	}
	return 0, false
}

// IsDetector reports whether name is a built-in detector.
func IsDetector(name string) bool {
	_, ok := detectorByName(name)
	return ok
}

// resolveDetectors expands presets, adds include and removes exclude.
func resolveDetectors(presetNames, include, exclude []string) ([numDetectors]bool, error) {
	var on [numDetectors]bool
	for _, p := range presetNames {
		ds, ok := presets[p]
		if !ok {
			return on, fmt.Errorf("unknown preset %q (want one of %v)", p, Presets())
		}
		for _, d := range ds {
			id, _ := detectorByName(d)
			on[id] = true
		}
	}
	for _, d := range include {
		id, ok := detectorByName(d)
		if !ok {
			return on, fmt.Errorf("unknown detector %q (want one of %v)", d, Detectors())
		}
		on[id] = true
	}
	for _, d := range exclude {
		id, ok := detectorByName(d)
		if !ok {
			return on, fmt.Errorf("unknown detector %q (want one of %v)", d, Detectors())
		}
		on[id] = false
	}
	return on, nil
}
