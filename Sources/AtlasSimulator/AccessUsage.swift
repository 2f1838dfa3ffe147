/// Who uses each credential, as the access lists tell it: a key's entries serve `count` and `lastUsedAddress` beside
/// `lastUsed` (MongoDB's spec, `UserAccessListResponse`; `count` has minimum 1, so both are left out of an entry
/// never used); an account's entries serve `requestCount` (0 while unused) and `lastUsedAddress`
/// (`ServiceAccountIPAccessListEntry`). The summaries below are what an exporter should make of them.
extension SimulatedAccessEntry {
    /// The `count` a key's entry serves: nil while never used, else at least 1 (the spec's minimum).
    public var servedKeyCount: Int? {
        lastUsed == nil ? nil : max(1, requestCount)
    }

    /// The `requestCount` an account's entry serves: 0 while never used.
    public var servedRequestCount: Int {
        lastUsed == nil ? 0 : requestCount
    }

    /// The `lastUsedAddress` either kind of entry serves: nil while never used.
    public var servedLastUsedAddress: String? {
        lastUsed == nil ? nil : (lastUsedAddress ?? Self.host(address))
    }

    /// The address part of an entry (`203.0.113.0/24` → `203.0.113.0`).
    static func host(_ address: String) -> String {
        String(address.prefix { $0 != "/" })
    }

    /// A random address inside `block` (an IPv4 block below /31 gets a host other than its first and last);
    /// anything else, a bare address, a /31, a /32 or IPv6, gives its own address.
    static func address(in block: String, using random: inout SeededGenerator) -> String {
        let host = host(block)
        let octets = host.split(separator: ".").compactMap { UInt32($0) }
        guard let slash = block.firstIndex(of: "/"), let length = Int(block[block.index(after: slash)...]),
              (0...30).contains(length), octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return host }
        let base = octets.reduce(UInt32(0)) { $0 << 8 | $1 }
        let size = UInt64(1) << UInt64(32 - length)
        let network = UInt64(base) & ~(size - 1)
        let chosen = UInt32(truncatingIfNeeded: network + UInt64.random(in: 1...(size - 2), using: &random))
        return [24, 16, 8, 0].map { String((chosen >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }
}

/// The most recently used of some entries (the first of them on a tie, in listing order).
private func mostRecent(_ entries: [SimulatedAccessEntry]) -> SimulatedAccessEntry? {
    var best: SimulatedAccessEntry?
    for entry in entries {
        guard let used = entry.lastUsed else { continue }
        if let current = best?.lastUsed, current >= used { continue }
        best = entry
    }
    return best
}

extension SimulatedKey {
    /// The sum of `count` over the key's access-list entries as served; nil while no entry was ever used.
    public var accessListRequests: Int? {
        let counts = accessList.compactMap(\.servedKeyCount)
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    /// The `lastUsedAddress` of the key's most recently used entry; nil while none was ever used.
    public var lastUsedAddress: String? {
        mostRecent(accessList)?.servedLastUsedAddress
    }
}

extension SimulatedServiceAccount {
    /// The sum of `requestCount` over the account's access-list entries as served; nil while none was ever used.
    public var accessListRequests: Int? {
        accessList.contains { $0.lastUsed != nil } ? accessList.reduce(0) { $0 + $1.servedRequestCount } : nil
    }

    /// The `lastUsedAddress` of the account's most recently used entry; nil while none was ever used.
    public var lastUsedAddress: String? {
        mostRecent(accessList)?.servedLastUsedAddress
    }
}

extension SimulatorState {
    /// Records requests through one access-list entry of a key: `requests` more, the last at `seconds` from
    /// `address`. False (and no change) if the org, key or entry is unknown or `requests` is not positive.
    mutating func useKeyEntry(orgID: String, keyID: String, entry: String, from address: String, requests: Int,
                              at seconds: UInt32) -> Bool {
        guard requests > 0, let orgIndex = inventory.orgIndex(orgID),
              let keyIndex = inventory.orgs[orgIndex].keys.firstIndex(where: { $0.id == keyID }),
              let entryIndex = inventory.orgs[orgIndex].keys[keyIndex].accessList.firstIndex(where: { $0.address == entry })
        else { return false }
        Self.use(&inventory.orgs[orgIndex].keys[keyIndex].accessList[entryIndex], from: address, requests: requests, at: seconds)
        generation += 1
        return true
    }

    /// As `useKeyEntry`, for an entry of a service account.
    mutating func useServiceAccountEntry(orgID: String, clientID: String, entry: String, from address: String,
                                         requests: Int, at seconds: UInt32) -> Bool {
        guard requests > 0, let orgIndex = inventory.orgIndex(orgID),
              let accountIndex = inventory.orgs[orgIndex].serviceAccounts.firstIndex(where: { $0.clientID == clientID }),
              let entryIndex = inventory.orgs[orgIndex].serviceAccounts[accountIndex].accessList
                  .firstIndex(where: { $0.address == entry })
        else { return false }
        Self.use(&inventory.orgs[orgIndex].serviceAccounts[accountIndex].accessList[entryIndex], from: address,
                 requests: requests, at: seconds)
        generation += 1
        return true
    }

    private static func use(_ entry: inout SimulatedAccessEntry, from address: String, requests: Int, at seconds: UInt32) {
        // A never-used entry starts from 0, whatever its stored count says.
        let (sum, overflow) = entry.servedRequestCount.addingReportingOverflow(requests)
        entry.requestCount = overflow ? Int.max : sum
        entry.lastUsed = seconds
        entry.lastUsedAddress = address
    }
}

extension AtlasSimulator {
    /// Records `requests` requests through the key's access-list entry `entry` (its address as listed), the last
    /// from `address` at `seconds`. False (and no change) if the org, key or entry is unknown.
    @discardableResult
    public func useKeyAccessEntry(orgID: String, keyID: String, entry: String, from address: String, requests: Int,
                                  at seconds: UInt32) -> Bool {
        withState { $0.useKeyEntry(orgID: orgID, keyID: keyID, entry: entry, from: address, requests: requests, at: seconds) }
    }

    /// As `useKeyAccessEntry`, for an entry of a service account.
    @discardableResult
    public func useServiceAccountAccessEntry(orgID: String, clientID: String, entry: String, from address: String,
                                             requests: Int, at seconds: UInt32) -> Bool {
        withState {
            $0.useServiceAccountEntry(orgID: orgID, clientID: clientID, entry: entry, from: address, requests: requests,
                                      at: seconds)
        }
    }
}
