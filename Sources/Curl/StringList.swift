import CCurl

/// A `curl_slist` that frees itself; it must outlive every transfer that was given it.
final class StringList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init(_ items: [String]) {
        for item in items {
            pointer = curl_slist_append(pointer, item)
        }
    }

    deinit {
        curl_slist_free_all(pointer)
    }
}

@available(*, unavailable)
extension StringList: Sendable {}
