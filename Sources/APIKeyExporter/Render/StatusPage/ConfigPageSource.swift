import NIOCore
import Synchronization

/// The HTML `/config` serves, rendered by `TargetApplier` each time a set of targets is put into effect (at start
/// and after each reload that changed them), so that the page always shows the configuration in effect.
public final class ConfigPageSource: Sendable {
    private let config: ExporterConfig
    private let page = Mutex(ByteBuffer())

    public init(_ config: ExporterConfig) {
        self.config = config
    }

    public var current: ByteBuffer {
        page.withLock { $0 }
    }

    /// Renders the start configuration with `targets` in place of its own; their secrets must be registered.
    func show(_ targets: [TargetConfig]) {
        var config = config
        config.targets = targets
        let rendered = ByteBuffer(string: ConfigPage.render(config))
        page.withLock { $0 = rendered }
    }
}
