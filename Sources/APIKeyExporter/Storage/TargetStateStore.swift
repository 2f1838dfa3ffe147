#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Saves what every persistent collector needs of a target after each cycle, and puts it back at start
/// (`--storage.path`). Whatever the file holds, the exporter starts: an unusable file gives one line and a fresh
/// baseline; a failed write gives one line and `mongodb_apikey_exporter_state_write_errors_total`, never a
/// stopped poll. A target removed from the configuration leaves its file alone.
struct TargetStateStore {
    let file: StateFile
    let target: String
    let logger: Logger

    init(directory: String, target: String, logger: Logger) {
        file = StateFile(directory: directory, target: target)
        self.target = target
        self.logger = logger
    }

    /// What was saved before the last stop: the orgs' collected state and the target collectors', applied to a
    /// fresh `state`, then completed by each of the target's `collectors` (`OrgCollector.restored`); nothing (and
    /// one line) when the file cannot be used.
    func restore(into state: inout TargetState, collectors: [any OrgCollector] = [],
                 now: Double = Date().timeIntervalSince1970) {
        do throws(StateFile.Unusable) {
            guard let (savedAt, lines) = try file.read(target: target) else { return }
            var restored = state
            for line in lines {
                try apply(line, to: &restored, now: now)
            }
            restored.orgs = restored.orgs.mapValues { org in
                var org = org
                for collector in collectors { collector.restored(&org) }
                return org
            }
            state = restored
            logger.info("restored the state saved before the last stop: changes since then are counted in the first cycle",
                        metadata: ["target": "\(target)", "file": "\(file.path)", "saved_at": "\(ISOTime.format(savedAt))",
                                   "orgs": "\(state.orgs.count)"])
        } catch {
            logger.warning("state file not used; starting from a fresh baseline", metadata: [
                "target": "\(target)", "file": "\(file.path)", "reason": "\(error)"])
        }
    }

    private func apply(_ line: Data, to state: inout TargetState, now: Double) throws(StateFile.Unusable) {
        let envelope: StateFile.Envelope
        do {
            envelope = try StateFile.decoder.decode(StateFile.Envelope.self, from: line)
        } catch {
            throw .corrupt("not a JSON object with a collector")
        }
        guard let name = envelope.collector else { throw .corrupt("a line names no collector") }
        if let orgID = envelope.org {
            guard ExporterConfig.isObjectID(orgID) else { throw .corrupt("an org id is not 24 hexadecimal characters") }
            guard let collector = CollectorRegistry.persistentOrgCollectors.first(where: { $0.name == name }) else {
                throw .corrupt("unknown collector \(name)")
            }
            var org = state.orgs[orgID] ?? OrgStatus(orgID: orgID)
            try Self.restore(collector, line, into: &org, now: now)
            state.orgs[orgID] = org
        } else {
            guard let collector = CollectorRegistry.persistentTargetCollectors.first(where: { $0.name == name }) else {
                throw .corrupt("unknown collector \(name)")
            }
            try Self.restore(collector, line, into: &state, now: now)
        }
    }

    private static func restore<C: PersistentOrgCollector>(_ collector: C.Type, _ line: Data, into org: inout OrgStatus,
                                                           now: Double) throws(StateFile.Unusable) {
        do {
            let decoded = try StateFile.decoder.decode(StateFile.Line<C.Saved>.self, from: line)
            C.restore(decoded.state, into: &org, restoredAt: now)
        } catch {
            throw .corrupt("\(C.name) of org \(org.orgID)")
        }
    }

    private static func restore<C: PersistentTargetCollector>(_ collector: C.Type, _ line: Data, into target: inout TargetState,
                                                              now: Double) throws(StateFile.Unusable) {
        do {
            let decoded = try StateFile.decoder.decode(StateFile.Line<C.Saved>.self, from: line)
            C.restore(decoded.state, into: &target, restoredAt: now)
        } catch {
            throw .corrupt("\(C.name)")
        }
    }

    /// Writes the target's state; false (and one line) when that failed.
    func save(_ state: TargetState, now: Double = Date().timeIntervalSince1970) -> Bool {
        let orgLines = state.orgs.keys.sorted().lazy.flatMap { orgID in
            CollectorRegistry.persistentOrgCollectors.lazy.compactMap { collector in
                state.orgs[orgID].flatMap { Self.line(collector, $0) }
            }
        }
        let targetLines = CollectorRegistry.persistentTargetCollectors.lazy.compactMap { Self.line($0, state) }
        do throws(StateFile.WriteFailure) {
            try file.write(target: target, savedAt: now, lines: [AnySequence(orgLines), AnySequence(targetLines)].joined())
            return true
        } catch {
            logger.error("state file not written; the next cycle tries again", metadata: [
                "target": "\(target)", "file": "\(file.path)", "err": "\(error)"])
            return false
        }
    }

    private static func line<C: PersistentOrgCollector>(_ collector: C.Type, _ org: OrgStatus) -> Data? {
        guard let saved = C.saved(org) else { return nil }
        return try? StateFile.encoder.encode(StateFile.Line(collector: C.name, org: org.orgID, state: saved))
    }

    private static func line<C: PersistentTargetCollector>(_ collector: C.Type, _ target: TargetState) -> Data? {
        guard let saved = C.saved(target) else { return nil }
        return try? StateFile.encoder.encode(StateFile.Line(collector: C.name, org: nil, state: saved))
    }
}
