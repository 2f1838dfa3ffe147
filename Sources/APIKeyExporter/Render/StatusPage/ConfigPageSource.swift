import NIOCore
import Synchronization

/// The HTML `/config` serves, rendered at start and again after each reload that changed the targets, so that the
/// page always shows the configuration in effect.
public final class ConfigPageSource: Sendable {
    private let config: ExporterConfig
    private let page: Mutex<ByteBuffer>

    public init(_ config: ExporterConfig) {
        self.config = config
        page = Mutex(ByteBuffer(string: ConfigPage.render(config)))
    }

    public var current: ByteBuffer {
        page.withLock { $0 }
    }

    /// Renders the start configuration with `targets` in place of its own (the file's targets after a reload).
    public func targetsReloaded(_ targets: [TargetConfig]) {
        var config = config
        config.targets = targets
        let rendered = ByteBuffer(string: ConfigPage.render(config))
        page.withLock { $0 = rendered }
    }
}
