/// What went wrong with the store, in words an operator can act on. Every engine throws this, whatever its
/// driver says underneath.
package struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    package enum Kind: String, Sendable, Equatable {
        /// Another run holds the store (exit 75).
        case busy
        /// A newer CaseWatch migrated the store: its schema has migrations this version does not know.
        case newerSchema
        /// The store cannot be opened or read (missing, empty, damaged, read-only, unreachable).
        case unavailable
        /// A statement failed.
        case failed
    }

    package let kind: Kind
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}
