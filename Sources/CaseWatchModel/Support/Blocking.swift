import Dispatch

/// Runs blocking work (file reads, libcurl transfers) on a Dispatch thread so that it never holds one of
/// the few threads of Swift's cooperative pool.
package enum Blocking {
    private static let queue = DispatchQueue(label: "casewatch.blocking", attributes: .concurrent)

    package static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(E) -> T in try work() })
            }
        }
        return try result.get()
    }
}
