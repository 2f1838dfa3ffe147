#ifndef CBUILDINFO_H
#define CBUILDINFO_H
/// The git revision the package was built from, set by Package.swift.
const char *exporter_build_revision(void);
#endif
