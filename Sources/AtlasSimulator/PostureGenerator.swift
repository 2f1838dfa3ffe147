/// The security posture of a generated inventory: each org's settings, and the usage of every access-list entry
/// that was used. Drawn from random streams of their own (settings, key usage, account usage), so a seed makes the
/// same orgs, keys and accounts as before, and a key's usage does not depend on the accounts.
extension InventoryGenerator {
    static let settingsSeedSalt: UInt64 = 0x5E77_1495_0000_0001
    static let keyUsageSeedSalt: UInt64 = 0x05A6_E000_0000_0CE7
    static let accountUsageSeedSalt: UInt64 = 0x05A6_E000_0000_0ACC
    /// The values the generator and the churn give `maxServiceAccountSecretValidityInHours` (8 hours to a year).
    public static let secretValidityChoices = [8, 24, 168, 720, 2_160, 4_380, 8_760]

    func addPosture(to inventory: inout SimulatedInventory) {
        var settingsRandom = SeededGenerator(seed: seed ^ Self.settingsSeedSalt)
        for index in inventory.orgs.indices {
            inventory.orgs[index].settings = makeSettings(orgIndex: index, using: &settingsRandom)
            inventory.orgs[index].delegation = .generated(orgIndex: index)
        }
        var keyRandom = SeededGenerator(seed: seed ^ Self.keyUsageSeedSalt)
        for org in inventory.orgs.indices {
            for key in inventory.orgs[org].keys.indices {
                Self.addUsage(to: &inventory.orgs[org].keys[key].accessList, using: &keyRandom)
            }
        }
        var accountRandom = SeededGenerator(seed: seed ^ Self.accountUsageSeedSalt)
        for org in inventory.orgs.indices {
            for account in inventory.orgs[org].serviceAccounts.indices {
                Self.addUsage(to: &inventory.orgs[org].serviceAccounts[account].accessList, using: &accountRandom)
            }
        }
    }

    /// Org `orgIndex`'s settings. Every third org, the first among them, is weak: no access list required for
    /// the API, no MFA; every third from the third is strong: both required; the others draw. The org `orgOmittingSettings` leaves out `restrictEmployeeAccess`,
    /// `maxServiceAccountSecretValidityInHours`, `streamsCrossGroupEnabled` and `customSessionTimeouts`. Atlas
    /// reports no secrets expiring or expired yet: settings owe nothing to the accounts, so an inventory with
    /// accounts equals one without but for the accounts themselves.
    func makeSettings(orgIndex: Int, using random: inout SeededGenerator) -> SimulatedOrgSettings {
        let weak = orgIndex % 3 == 0
        let strong = orgIndex % 3 == 2
        let accessList = Bool.random(using: &random)
        let mfa = Int.random(in: 0..<4, using: &random) > 0
        var settings = SimulatedOrgSettings(
            apiAccessListRequired: strong || (!weak && accessList), multiFactorAuthRequired: strong || (!weak && mfa),
            restrictEmployeeAccess: Bool.random(using: &random),
            maxServiceAccountSecretValidityInHours: Self.secretValidityChoices[
                Int.random(in: 0..<Self.secretValidityChoices.count, using: &random)],
            securityContact: orgIndex % 2 == 0 ? "security+org\(orgIndex + 1)@example.com" : "",
            genAIFeaturesEnabled: Bool.random(using: &random), streamsCrossGroupEnabled: Bool.random(using: &random),
            customSessionTimeouts: orgIndex % 2 == 1
                ? SimulatedSessionTimeouts(absoluteSessionTimeoutInSeconds: 43_200, idleSessionTimeoutInSeconds: 1_800) : nil,
            uiAccessListEnabled: Bool.random(using: &random))
        if orgIndex == orgOmittingSettings {
            settings.restrictEmployeeAccess = nil
            settings.maxServiceAccountSecretValidityInHours = nil
            settings.streamsCrossGroupEnabled = nil
            settings.customSessionTimeouts = nil
        }
        return settings
    }

    /// Gives every used entry a request count (a handful, hundreds, or many thousands) and the address the last
    /// request came from: inside a block, a host of it; else the entry's own address. Unused entries stay unused.
    static func addUsage(to entries: inout [SimulatedAccessEntry], using random: inout SeededGenerator) {
        for index in entries.indices where entries[index].lastUsed != nil {
            let count: Int
            switch Int.random(in: 0..<4, using: &random) {
            case 0: count = Int.random(in: 1...9, using: &random)
            case 1: count = Int.random(in: 10...999, using: &random)
            default: count = Int.random(in: 1_000...250_000, using: &random)
            }
            entries[index].requestCount = count
            entries[index].lastUsedAddress = SimulatedAccessEntry.address(in: entries[index].address, using: &random)
        }
    }
}
