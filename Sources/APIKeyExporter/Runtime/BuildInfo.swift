import CBuildInfo

/// Version and revision, reported by `mongodb_apikey_exporter_build_info` and the `--version` flag.
public enum BuildInfo {
    public static let version = "1.0.0"
    /// The git commit the binary was built from (set by Package.swift), "unknown" outside a checkout.
    public static let revision = String(cString: exporter_build_revision())
}
