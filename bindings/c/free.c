// otelcolbridge_free is C so that releasing an output never enters the Go runtime: the
// library allocates every output with malloc (C.CString, C.CBytes), so free is its match.
#include <stdlib.h>

void otelcolbridge_free(void *p) { free(p); }
