import Foundation

/// The console's sessions and the login's failure counts, as a pure value: every call is given the time, so tests
/// walk through expiry and the rate limit with a manual clock. ``ConsoleGate`` holds one behind an actor.
///
/// Sessions live in memory only: a restart of `serve` logs every operator out, which is the safe way round.
struct ConsoleSessionTable: Sendable {
    /// One operator's session: its id is the cookie's value, its CSRF token goes in every form.
    struct Session: Sendable, Equatable {
        let id: String
        let csrfToken: String
        let expiresAt: Date
        /// The result of the last action, shown once on the page it redirected to.
        var flash: String?
    }

    /// What a login attempt may do.
    enum LoginAdmission: Equatable {
        case allowed
        /// Too many failures from this address lately; try again after this many seconds.
        case limited(retryAfter: Int)
    }

    let lifetime: TimeInterval
    let failureLimit: Int
    let failureWindow: TimeInterval
    /// Addresses with failures the table keeps at most.
    static let addressLimit = 10_000
    var addressesTracked: Int { failures.count }
    private(set) var sessions: [String: Session] = [:]
    private var failures: [String: [Date]] = [:]

    init(lifetime: TimeInterval = 12 * 3600, failureLimit: Int = 5, failureWindow: TimeInterval = 60) {
        self.lifetime = lifetime
        self.failureLimit = failureLimit
        self.failureWindow = failureWindow
    }

    /// Opens a session with fresh random ids (and drops the expired ones, so the table never grows unbounded).
    mutating func open(now: Date) -> Session {
        sessions = sessions.filter { $0.value.expiresAt > now }
        let session = Session(id: Self.randomToken(), csrfToken: Self.randomToken(),
                              expiresAt: now.addingTimeInterval(lifetime))
        sessions[session.id] = session
        return session
    }

    /// The live session of that id; nil when there is none or it expired.
    func session(_ id: String?, now: Date) -> Session? {
        guard let id, let session = sessions[id], session.expiresAt > now else { return nil }
        return session
    }

    mutating func close(_ id: String) {
        sessions[id] = nil
    }

    mutating func setFlash(_ text: String, session id: String) {
        sessions[id]?.flash = text
    }

    /// The flash message of a session, cleared as it is read.
    mutating func takeFlash(session id: String) -> String? {
        defer { sessions[id]?.flash = nil }
        return sessions[id]?.flash
    }

    /// Whether `address` may try to log in now: at most `failureLimit` failures in `failureWindow`.
    mutating func admission(for address: String, now: Date) -> LoginAdmission {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < failureWindow }
        failures[address] = recent.isEmpty ? nil : recent
        guard recent.count >= failureLimit, let oldest = recent.first else { return .allowed }
        return .limited(retryAfter: max(1, Int((failureWindow - now.timeIntervalSince(oldest)).rounded(.up))))
    }

    mutating func recordFailure(from address: String, now: Date) {
        failures[address, default: []].append(now)
        if failures.count > Self.addressLimit {
            // A flood from many addresses: keep only the recent ones, and never more than half the limit (those
            // whose last failure is the latest), so the table's memory stays bounded whatever the flood.
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < failureWindow } }
            if failures.count > Self.addressLimit / 2 {
                let kept = failures.sorted { ($0.value.last ?? .distantPast) > ($1.value.last ?? .distantPast) }
                    .prefix(Self.addressLimit / 2)
                failures = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
            }
        }
    }

    /// 32 random bytes from the system's secure generator, as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// Compares a token given with the expected one in time that depends on the expected token's length only.
    static func constantTimeEquals(_ given: String, _ expected: String) -> Bool {
        let given = Array(given.utf8), expected = Array(expected.utf8)
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for index in expected.indices {
            difference |= (index < given.count ? given[index] : 0) ^ expected[index]
        }
        return difference == 0 && !expected.isEmpty
    }
}
