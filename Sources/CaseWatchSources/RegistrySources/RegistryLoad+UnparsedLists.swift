import CaseWatchModel

extension RegistryLoad {
    /// An official list recognised unchanged and not parsed (``RegistryImport``): its cases keep their snapshots,
    /// and its entries are read only when a claim needs them.
    package struct UnparsedList: Sendable {
        /// What its entries' claims start with (`minjust-undesirable:`).
        package var claimPrefix: String
        /// Reads the list afresh: its entries by claim, empty when it cannot be read now.
        package var entries: @Sendable () -> [String: LegalCase]

        package init(claimPrefix: String, entries: @escaping @Sendable () -> [String: LegalCase]) {
            self.claimPrefix = claimPrefix
            self.entries = entries
        }
    }

    /// Reads the entries of each list not parsed this time that one of `claims` may name, into ``claimable``: a
    /// hand-kept case that claims an entry then takes in its steps exactly as it would had the list been parsed
    /// (the list itself stays as recorded). Each list is read at most once.
    package mutating func readClaimedLists(for claims: some Sequence<String>) {
        let claims = Array(claims)
        guard !claims.isEmpty, !unparsedLists.isEmpty else { return }
        for (name, list) in unparsedLists.sorted(by: { $0.key < $1.key })
        where claims.contains(where: { $0.hasPrefix(list.claimPrefix) }) {
            unparsedLists[name] = nil
            claimable.merge(list.entries()) { known, _ in known }
        }
    }
}
