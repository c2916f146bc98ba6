package profiles

// Shared with the external tests (roundtrip_test.go).
var (
	SyntheticHeap = syntheticHeap
	TestResource  = testResource
)
