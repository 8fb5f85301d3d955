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

    private let entry = Mutex<(columns: TableColumns, describedAt: Int64)?>(nil)

    /// The columns, if the description is recent enough at `now` to say which of `labels` the table has.
    func columns(naming labels: Set<String>, at now: Int64) -> TableColumns? {
        entry.withLock { entry in
            guard let entry else { return nil }
            let age = now - entry.describedAt
            guard age >= 0, age < Self.presentFor else { return nil }
            if age >= Self.absentFor && !labels.isSubset(of: entry.columns.names) { return nil }
            return entry.columns
        }
    }

    func store(_ columns: TableColumns, at now: Int64) {
        guard columns.hasDoubleMeasures else { return }
        entry.withLock { $0 = (columns, now) }
    }

    func invalidate() { entry.withLock { $0 = nil } }
}
