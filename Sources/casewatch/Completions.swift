import ArgumentParser
import CaseWatchApp

/// Shell completions that list ids from the configuration in effect: the generated scripts call `casewatch` back
/// (`---completion`) at each Tab, and these read the configuration named by `--config` in the words typed so far.
extension CompletionKind {
    /// Case ids: the registry folders' case files and every case the store has seen.
    static var caseIDs: CompletionKind {
        .custom { words, _, prefix in CompletionCandidates(words: words).caseIDs().filter { $0.hasPrefix(prefix) } }
    }

    /// Subscriber ids.
    static var subscriberIDs: CompletionKind {
        .custom { words, _, prefix in
            CompletionCandidates(words: words).subscriberIDs().filter { $0.hasPrefix(prefix) }
        }
    }

    /// Event ids, newest first (`events withdraw`, `outbox replay`).
    static var eventIDs: CompletionKind {
        .custom { words, _, prefix in CompletionCandidates(words: words).eventIDs().filter { $0.hasPrefix(prefix) } }
    }

    /// The channels of the subscriber named by `--subscriber`, or every channel.
    static var subscriberChannels: CompletionKind {
        .custom { words, _, prefix in CompletionCandidates(words: words).channels().filter { $0.hasPrefix(prefix) } }
    }
}
