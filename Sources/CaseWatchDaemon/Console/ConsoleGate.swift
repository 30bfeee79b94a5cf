import Foundation

/// The console's door: the session table behind an actor, shared by every request of one `serve`.
actor ConsoleGate {
    private var table: ConsoleSessionTable

    init(table: ConsoleSessionTable = ConsoleSessionTable()) {
        self.table = table
    }

    /// Checks a login: refused while the address is over its failure limit; a wrong token counts as a failure.
    func logIn(token given: String, expected: String, address: String, now: Date) -> LoginResult {
        if case .limited(let seconds) = table.admission(for: address, now: now) { return .limited(retryAfter: seconds) }
        guard ConsoleSessionTable.constantTimeEquals(given, expected) else {
            table.recordFailure(from: address, now: now)
            return .refused
        }
        return .opened(table.open(now: now))
    }

    enum LoginResult {
        case opened(ConsoleSessionTable.Session)
        case refused
        case limited(retryAfter: Int)
    }

    func session(_ id: String?, now: Date) -> ConsoleSessionTable.Session? {
        table.session(id, now: now)
    }

    func close(_ id: String) {
        table.close(id)
    }

    func setFlash(_ text: String, session id: String) {
        table.setFlash(text, session: id)
    }

    func takeFlash(session id: String) -> String? {
        table.takeFlash(session: id)
    }
}
