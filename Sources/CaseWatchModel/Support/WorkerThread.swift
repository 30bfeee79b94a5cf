import Foundation

/// A thread of its own for the other side of a ``HandOff``.
///
/// The side that waits for it must not depend on a pool that may have no thread left to give: Dispatch's
/// global queues are as wide as the machine, and Swift's cooperative pool and ``Blocking`` run on them.
package final class WorkerThread: Sendable {
    private let done = DispatchSemaphore(value: 0)

    /// Starts `work` at once on a new thread.
    package init(_ name: String, _ work: @escaping @Sendable () -> Void) {
        let done = done
        let thread = Thread {
            work()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits until the work has run.
    package func join() {
        done.wait()
    }
}
