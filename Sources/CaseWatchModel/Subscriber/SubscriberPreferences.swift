/// Where a subscriber's own choices (the preference page) are kept: settings `preferences:<id>:<choice>`, which
/// take precedence over the subscriber file until the operator resets them.
package enum SubscriberPreferences {
    package static func prefix(_ subscriberID: String) -> String { "preferences:\(subscriberID):" }
}
