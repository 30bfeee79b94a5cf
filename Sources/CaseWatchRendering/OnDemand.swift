import Synchronization

/// A value made on first use, once, whichever thread asks first; later reads get the same value.
///
/// Why: a run that renders nothing (an unchanged tick, a silent first import) should not pay for parsing every
/// template it could have rendered.
final class OnDemand<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let made = Mutex<Value?>(nil)

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    init(made value: Value) {
        make = { value }
        made.withLock { $0 = value }
    }

    var value: Value {
        made.withLock { cached in
            if let cached { return cached }
            let value = make()
            cached = value
            return value
        }
    }
}
