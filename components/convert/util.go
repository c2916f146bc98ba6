package convert

import "bytes"

func bytesBuffer(b []byte) *bytes.Buffer { return bytes.NewBuffer(b) }
