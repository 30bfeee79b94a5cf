import CaseWatchModel

/// What version-1 webhook receivers are told of what CaseWatch 1 did not know: each status, outcome, case type
/// mapped to its closest version-1 neighbour (the README's table lists them).
package enum Version1 {
    package static let statuses: Set<String> = [
        "reported", "inspection", "warning", "fined", "claim_filed", "hearing_scheduled", "ruling_issued",
        "appeal_filed", "appeal_decided", "cassation_filed", "cassation_decided", "in_force", "deregistered",
        "designated", "delisted", "closed",
    ]

    /// The case-file fields a version-1 `change.fields` may name.
    package static let fields: Set<String> = [
        "subject", "country", "type", "claimant", "court", "case_number", "sources", "tags", "next_hearing",
    ]

    package static func status(_ status: CaseStatus) -> String {
        if statuses.contains(status.rawValue) { return status.rawValue }
        return switch status {
        case .claimAccepted, .charged, .sentToCourt, .protocol, .applicationLodged, .communicationSent: "claim_filed"
        case .reasonedJudgment, .activitySuspended, .restraintOrdered, .verdict, .interimMeasure, .judgment,
             .viewsAdopted: "ruling_issued"
        case .supervisoryReviewFiled, .constitutionalComplaintFiled: "cassation_filed"
        case .supervisoryReviewDecided, .constitutionalComplaintDecided: "cassation_decided"
        case .liquidationStarted, .final: "in_force"
        case .selfLiquidated: "deregistered"
        case .published, .decision, .listed: "designated"
        case .challengeFiled: "appeal_filed"
        case .challengeDecided: "appeal_decided"
        case .caseOpened, .detained, .wanted, .replyReceived: "reported"
        case .search: "inspection"
        case .trialStarted, .communicated: "hearing_scheduled"
        case .released: "closed"
        default: "reported"
        }
    }

    package static func outcome(_ outcome: Outcome) -> String {
        switch outcome {
        case .granted, .dismissed, .upheld, .overturned: outcome.rawValue
        case .partiallyGranted, .convicted: "granted"
        case .modified: "upheld"
        case .returnedToProsecutor: "overturned"
        case .acquitted, .terminated, .inadmissible: "dismissed"
        }
    }

    package static func type(_ type: CaseType) -> String {
        switch type {
        case .liquidation, .foreignAgent, .undesirable, .criminal, .administrative: type.rawValue
        case .extremist: "undesirable"
        case .international: "administrative"
        }
    }
}
