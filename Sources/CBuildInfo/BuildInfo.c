#include "CBuildInfo.h"
#ifndef EXPORTER_REVISION
#define EXPORTER_REVISION "unknown"
#endif
const char *exporter_build_revision(void) { return EXPORTER_REVISION; }
