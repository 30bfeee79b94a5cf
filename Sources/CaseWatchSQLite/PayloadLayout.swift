import Foundation
import CaseWatchModel

/// How the store keeps an outbox payload whose body repeats lines shared by its family (see `SharedSpan`): the
/// octets of its own, with the runs cut out, and a layout: the whole payload's length, then for each run the
/// stored lines' id, where the run goes in the whole payload and how many octets of the lines it takes —
/// `length|id:offset:count,id:offset:count`.
///
/// A fan-out of one alert to 100,000 readers writes each rendered body once instead of 60,000 times.
enum PayloadLayout {
    /// A layout that does not fit its payload or names lines the store does not have.
    struct Damaged: Error, CustomStringConvertible {
        let layout: String
        var description: String {
            "its layout \"\(layout)\" does not fit its octets or names lines the store does not have"
        }
    }

    /// `payload` without its `spans` (in order of offset, not overlapping), and the layout that puts them back;
    /// `lineID` gives the stored id of a span's lines. Nil when a span does not hold what its lines hold: the
    /// payload is then stored whole, since what is sent must be the payload, whatever the spans say.
    static func split(_ payload: [UInt8], spans runs: [SharedSpan], lineID: (any SharedOctets) throws -> Int64) rethrows
        -> (own: [UInt8], layout: String)?
    {
        var position = 0
        for run in runs {
            guard run.offset >= position, run.offset + run.count <= payload.count, holds(payload, run) else { return nil }
            position = run.offset + run.count
        }
        var own: [UInt8] = []
        own.reserveCapacity(payload.count - runs.reduce(0) { $0 + $1.count })
        var layout: [String] = []
        position = 0
        for run in runs {
            own.append(contentsOf: payload[position..<run.offset])
            position = run.offset + run.count
            layout.append("\(try lineID(run.octets)):\(run.offset):\(run.count)")
        }
        own.append(contentsOf: payload[position...])
        return (own, "\(payload.count)|" + layout.joined(separator: ","))
    }

    /// Whether `payload` holds the run's lines where the run says.
    private static func holds(_ payload: [UInt8], _ run: SharedSpan) -> Bool {
        payload.withUnsafeBufferPointer { payload in
            run.octets.bytes.withUnsafeBufferPointer { lines in
                run.count == 0 || memcmp(payload.baseAddress! + run.offset, lines.baseAddress!, run.count) == 0
            }
        }
    }

    /// The whole payload from `own` and `layout`; `lines` gives the stored lines of an id (nil for none).
    static func join(own: [UInt8], layout: String, lines: (Int64) throws -> [UInt8]?) throws -> [UInt8] {
        let parts = layout.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2, let total = Int(parts[0]) else { throw Damaged(layout: layout) }
        var payload: [UInt8] = []
        payload.reserveCapacity(total)
        var taken = 0
        for entry in parts[1].split(separator: ",") {
            let fields = entry.split(separator: ":")
            guard fields.count == 3, let id = Int64(fields[0]), let offset = Int(fields[1]), let count = Int(fields[2]),
                  count >= 0, offset >= payload.count, taken + offset - payload.count <= own.count,
                  let stored = try lines(id), count <= stored.count
            else { throw Damaged(layout: layout) }
            let ownCount = offset - payload.count
            payload.append(contentsOf: own[taken..<taken + ownCount])
            taken += ownCount
            payload.append(contentsOf: stored[0..<count])
        }
        payload.append(contentsOf: own[taken...])
        guard payload.count == total else { throw Damaged(layout: layout) }
        return payload
    }
}
