/// The two exposition formats: Prometheus text 0.0.4 (the default) and OpenMetrics 1.0 (when asked for).
public enum ExpositionFormat: Sendable, CaseIterable {
    case text
    case openMetrics

    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// OpenMetrics when the scraper's Accept header offers it, as Prometheus does when configured to prefer it.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        (accept ?? "").contains("application/openmetrics-text") ? .openMetrics : .text
    }
}
