import Foundation

/// Items passed from one thread to another, in order, with a few at most between them: the producer
/// waits when the consumer is behind, and the consumer when the producer is.
package final class HandOff<Item: Sendable>: @unchecked Sendable {  // every stored property is guarded by `condition`
    private let condition = NSCondition()
    private var items: [Item] = []
    private let capacity: Int
    private var finished = false
    private var cancelled = false

    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// False when the consumer has gone (``cancel()``): the producer stops.
    package func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The producer has put its last item.
    package func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next item; nil once the producer has finished and every item was taken.
    package func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !finished { condition.wait() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// The consumer takes no more.
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
