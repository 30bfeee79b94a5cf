/// Where a case stands, as SPEC names the stages of Russian administrative and court procedure.
package enum CaseStatus: String, Sendable, Codable, CaseIterable {
    case reported, inspection, warning, fined
    case claimFiled = "claim_filed"
    case hearingScheduled = "hearing_scheduled"
    case rulingIssued = "ruling_issued"
    case appealFiled = "appeal_filed"
    case appealDecided = "appeal_decided"
    case cassationFiled = "cassation_filed"
    case cassationDecided = "cassation_decided"
    case inForce = "in_force"
    case deregistered, designated, delisted, closed
}

/// The kind of proceedings.
package enum CaseType: String, Sendable, Codable, CaseIterable {
    case liquidation
    case foreignAgent = "foreign_agent"
    case undesirable, criminal, administrative
}

/// What a ruling decided.
package enum Outcome: String, Sendable, Codable, CaseIterable {
    case granted, dismissed, upheld, overturned
}

/// Who the case is brought against.
package enum SubjectKind: String, Sendable, Codable, CaseIterable {
    case organisation, person
}

/// The languages CaseWatch writes alerts in; everything falls back to English.
package enum Language: String, Sendable, Codable, CaseIterable {
    case en, ru, fr
}
