import CaseWatchModel
import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func addSilence(matcher: Silence.Matcher, value: String, until: Date, reason: String, now: Date) async throws
        -> Silence
    {
        access { state in
            let silence = Silence(id: Int64(state.silences.count + 1), matcher: matcher, value: value, startsAt: now,
                                  endsAt: until, reason: reason)
            state.silences.append(silence)
            return silence
        }
    }

    package func silences(activeAt moment: Date?) async throws -> [Silence] {
        access { state in state.silences.reversed().filter { silence in moment.map(silence.isActive) ?? true } }
    }

    package func expireSilence(id: Int64, now: Date) async throws -> Bool {
        access { state in
            guard let index = state.silences.firstIndex(where: { $0.id == id }), state.silences[index].endsAt > now
            else { return false }
            state.silences[index].endsAt = now
            return true
        }
    }
}
