import AWS
import Synchronization
import TimestreamTranslation

/// The table's columns as last described, shared by the requests of one process (safe to use concurrently).
///
/// Timestream never drops a column, so what is present stays true for long (`presentFor`); what is absent may
/// appear with any write, from this process or another, so a selector that names an absent label trusts the
/// description only while it is recent (`absentFor`). A table without DOUBLE measures yet is never cached. When
/// Timestream says a column the description listed does not exist (the table was recreated), the reader asks for
/// a fresh description once (`invalidate`).
final class ColumnCache: Sendable {
    /// How long a description answers for the columns it lists, and for the labels it does not list (ms).
    static let presentFor: Int64 = 5 * 60_000
    static let absentFor: Int64 = 15_000

    /// How many callers the cache remembers as accepted by Timestream (the most recent), each for `presentFor`.
    static let maxCallers = 8

    private struct Entry {
        var columns: TableColumns
        var describedAt: Int64
        /// Callers whose DESCRIBE Timestream accepted (their credentials' fingerprints, never the credentials) and
        /// when, most recent last.
        var callers: [(fingerprint: [UInt8], acceptedAt: Int64)]
    }

    private let entry = Mutex<Entry?>(nil)

    /// The columns, if the description is recent enough at `now` to say which of `labels` the table has.
    /// - Parameter caller: the request's own credentials (basic auth), or nil when it is signed with the process's
    ///   identity. The cache answers a caller only once Timestream accepted a DESCRIBE with the same credentials:
    ///   a selector that cannot match is answered 200 without a call, and made-up keys must get Timestream's
    ///   403, not that 200 (nor learn which labels the table has); an acceptance counts for `presentFor`, so a key
    ///   deactivated since is asked again within minutes.
    func columns(naming labels: Set<String>, at now: Int64, caller: Credentials?) -> TableColumns? {
        let fingerprint = caller?.fingerprint
        return entry.withLock { entry in
            guard let entry else { return nil }
            if let fingerprint,
                !entry.callers.contains(where: { $0.fingerprint == fingerprint && now - $0.acceptedAt < Self.presentFor })
            {
                return nil
            }
            let age = now - entry.describedAt
            guard age >= 0, age < Self.presentFor else { return nil }
            if age >= Self.absentFor && !labels.isSubset(of: entry.columns.names) { return nil }
            return entry.columns
        }
    }

    /// Stores a description Timestream gave `caller` (nil: the process's identity).
    func store(_ columns: TableColumns, at now: Int64, caller: Credentials?) {
        guard columns.hasDoubleMeasures else { return }
        let fingerprint = caller?.fingerprint
        entry.withLock { entry in
            var callers = entry?.callers ?? []
            if let fingerprint {
                callers.removeAll { $0.fingerprint == fingerprint }
                callers.append((fingerprint, now))
                if callers.count > Self.maxCallers { callers.removeFirst(callers.count - Self.maxCallers) }
            }
            entry = Entry(columns: columns, describedAt: now, callers: callers)
        }
    }

    func invalidate() { entry.withLock { $0 = nil } }
}
