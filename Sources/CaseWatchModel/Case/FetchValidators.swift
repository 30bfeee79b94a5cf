/// What a conditional GET remembers between runs: the `ETag` and `Last-Modified` of the last good fetch.
package struct FetchValidators: Sendable, Equatable {
    package var etag: String?
    package var lastModified: String?

    package init(etag: String?, lastModified: String?) {
        self.etag = etag
        self.lastModified = lastModified
    }
}
