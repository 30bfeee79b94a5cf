/// What this run learnt about its sources.
package struct SourceReadings: Sendable, Equatable {
    /// The stat signature of each case file read afresh.
    package var fileSignatures: [String: String]
    /// The validators of the feeds read afresh.
    package var feedValidators: [String: FetchValidators]
    /// Sources not read this time (unchanged, or failed).
    package var frozenSources: Set<String>
    /// Why each failed feed failed.
    package var feedFailures: [String: String]

    package init(fileSignatures: [String: String] = [:], feedValidators: [String: FetchValidators] = [:],
                 frozenSources: Set<String> = [], feedFailures: [String: String] = [:]) {
        self.fileSignatures = fileSignatures
        self.feedValidators = feedValidators
        self.frozenSources = frozenSources
        self.feedFailures = feedFailures
    }
}
