import Dispatch
import Foundation

/// Work spread over every core, each result in its place.
package enum Parallel {
    /// `transform` of each index in `0..<count`, in index order, computed on every core at once.
    package static func map<Value>(_ count: Int, _ transform: @Sendable (Int) -> Value) -> [Value] {
        guard count > 1 else { return (0..<count).map(transform) }
        let results = Slots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.put(transform(index), at: index)
        }
        return results.values
    }

    /// `transform` of each element, in order, the elements taken in a few contiguous runs per core: for many small
    /// pieces of work, where one dispatch per element would cost more than the work.
    package static func map<Element: Sendable, Value>(_ elements: [Element], runsPerCore: Int = 4,
                                                      _ transform: @Sendable (Element) -> Value) -> [Value]
    {
        let runs = min(elements.count, max(1, ProcessInfo.processInfo.activeProcessorCount * runsPerCore))
        guard runs > 1 else { return elements.map(transform) }
        let size = (elements.count + runs - 1) / runs
        return map(runs) { run in
            elements[min(run * size, elements.count)..<min((run + 1) * size, elements.count)].map(transform)
        }.flatMap { $0 }
    }

    /// Results written by parallel iterations, each into its own slot, and read once every iteration has run.
    private final class Slots<Value>: @unchecked Sendable {  // each slot is written by one iteration only
        // Memory of its own rather than an array property, which concurrent writers would each access whole.
        private let base: UnsafeMutablePointer<Value?>
        private let count: Int

        init(count: Int) {
            self.count = count
            base = .allocate(capacity: max(count, 1))
            base.initialize(repeating: nil, count: count)
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        func put(_ value: Value, at index: Int) {
            base[index] = value
        }

        var values: [Value] { (0..<count).map { base[$0]! } }
    }
}
