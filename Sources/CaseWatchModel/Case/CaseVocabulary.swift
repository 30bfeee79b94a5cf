/// Where a case stands, or what one step of it was: the stages of Russian administrative, court and criminal
/// procedure and of the international proceedings about them, as SPEC names them. Which of them belong to which
/// type of case is ``CaseType/statuses``.
package enum CaseStatus: String, Sendable, Codable, CaseIterable {
    // Shared by every type.
    case reported, closed
    // Liquidation.
    case inspection, warning, fined
    case claimFiled = "claim_filed"
    case claimAccepted = "claim_accepted"
    case hearingScheduled = "hearing_scheduled"
    case rulingIssued = "ruling_issued"
    case reasonedJudgment = "reasoned_judgment"
    case activitySuspended = "activity_suspended"
    case appealFiled = "appeal_filed"
    case appealDecided = "appeal_decided"
    case cassationFiled = "cassation_filed"
    case cassationDecided = "cassation_decided"
    case supervisoryReviewFiled = "supervisory_review_filed"
    case supervisoryReviewDecided = "supervisory_review_decided"
    case constitutionalComplaintFiled = "constitutional_complaint_filed"
    case constitutionalComplaintDecided = "constitutional_complaint_decided"
    case inForce = "in_force"
    case liquidationStarted = "liquidation_started"
    case deregistered
    case selfLiquidated = "self_liquidated"
    // Designations: foreign agent, extremist, undesirable.
    case designated, published
    case challengeFiled = "challenge_filed"
    case challengeDecided = "challenge_decided"
    case delisted
    case decision, listed
    // Criminal.
    case caseOpened = "case_opened"
    case search, detained, charged
    case restraintOrdered = "restraint_ordered"
    case sentToCourt = "sent_to_court"
    case trialStarted = "trial_started"
    case verdict, wanted, released
    // Administrative.
    case `protocol`
    // International.
    case applicationLodged = "application_lodged"
    case communicated
    case interimMeasure = "interim_measure"
    case judgment, final
    case viewsAdopted = "views_adopted"
    case communicationSent = "communication_sent"
    case replyReceived = "reply_received"

    /// Side steps are steps like the others but do not set the case's status (a fine, an interim measure, a
    /// hearing set): a new one is `case.step_added`.
    package var isSideStep: Bool {
        switch self {
        case .inspection, .warning, .fined, .hearingScheduled, .activitySuspended, .restraintOrdered, .search,
             .published, .communicated, .interimMeasure, .replyReceived:
            true
        default:
            false
        }
    }
}

/// The kind of proceedings.
package enum CaseType: String, Sendable, Codable, CaseIterable {
    case liquidation
    case foreignAgent = "foreign_agent"
    case undesirable, extremist, criminal, administrative, international

    /// The statuses a step of this type may have (the shared `reported` and `closed` included).
    /// Built once per type: detection asks for every step of every case it reads.
    package var statuses: Set<CaseStatus> {
        switch self {
        case .liquidation: Self.liquidationStatuses
        case .foreignAgent: Self.foreignAgentStatuses
        case .extremist: Self.extremistStatuses
        case .undesirable: Self.undesirableStatuses
        case .criminal: Self.criminalStatuses
        case .administrative: Self.administrativeStatuses
        case .international: Self.internationalStatuses
        }
    }

    private static let liquidationStatuses = CaseType.liquidation.ownStatuses
    private static let foreignAgentStatuses = CaseType.foreignAgent.ownStatuses
    private static let extremistStatuses = CaseType.extremist.ownStatuses
    private static let undesirableStatuses = CaseType.undesirable.ownStatuses
    private static let criminalStatuses = CaseType.criminal.ownStatuses
    private static let administrativeStatuses = CaseType.administrative.ownStatuses
    private static let internationalStatuses = CaseType.international.ownStatuses

    private var ownStatuses: Set<CaseStatus> {
        let own: Set<CaseStatus> = switch self {
        case .liquidation:
            [.inspection, .warning, .fined, .claimFiled, .claimAccepted, .hearingScheduled, .rulingIssued,
             .reasonedJudgment, .activitySuspended, .appealFiled, .appealDecided, .cassationFiled, .cassationDecided,
             .supervisoryReviewFiled, .supervisoryReviewDecided, .constitutionalComplaintFiled,
             .constitutionalComplaintDecided, .inForce, .liquidationStarted, .deregistered, .selfLiquidated]
        case .foreignAgent, .extremist:
            [.designated, .published, .challengeFiled, .challengeDecided, .delisted]
        case .undesirable:
            // `designated` stays valid for undesirable cases written for CaseWatch 1.
            [.decision, .listed, .challengeFiled, .challengeDecided, .delisted, .designated]
        case .criminal:
            [.caseOpened, .search, .detained, .charged, .restraintOrdered, .sentToCourt, .trialStarted, .verdict,
             .appealFiled, .appealDecided, .cassationFiled, .cassationDecided, .wanted, .released]
        case .administrative:
            [.protocol, .rulingIssued, .appealFiled, .appealDecided, .inForce]
        case .international:
            [.applicationLodged, .communicated, .interimMeasure, .judgment, .final, .viewsAdopted,
             .communicationSent, .replyReceived]
        }
        return own.union([.reported, .closed])
    }

    /// The step fields of SPEC's table that belong to this type (besides the shared ones).
    package var stepFields: Set<String> {
        switch self {
        case .liquidation: ["amount"]
        case .foreignAgent, .extremist: ["legal_basis", "category"]
        case .undesirable: []
        case .criminal: ["measure", "sentence", "reason"]
        case .administrative: ["amount", "sentence"]
        case .international: ["body"]
        }
    }

    /// Whether the designation of this type, while active, makes taking part in its subject's work (or spreading its
    /// material) an offence in Russia: links to the subject's websites can endanger readers there.
    package var endangersReaders: Bool { self == .undesirable || self == .extremist }
}

/// What a step decided.
package enum Outcome: String, Sendable, Codable, CaseIterable {
    case granted
    case partiallyGranted = "partially_granted"
    case dismissed, upheld, overturned, modified
    case returnedToProsecutor = "returned_to_prosecutor"
    case convicted, acquitted, terminated, inadmissible
}

/// Who the case is brought against.
package enum SubjectKind: String, Sendable, Codable, CaseIterable {
    case organisation, person, group
}

/// The languages CaseWatch writes alerts in; everything falls back to English.
package enum Language: String, Sendable, Codable, CaseIterable {
    case en, ru, fr
}

/// A pre-trial measure of restraint (criminal cases).
package enum RestraintMeasure: String, Sendable, Codable, CaseIterable {
    case custody
    case houseArrest = "house_arrest"
    case banOnActions = "ban_on_actions"
    case travelBan = "travel_ban"
    case bail
}

/// Why a person was released.
package enum ReleaseReason: String, Sendable, Codable, CaseIterable {
    case served, parole, pardon, exchange, acquitted, other
}
