/// What a write's translation depends on besides the request: where records go and what makes a series a 400.
package struct WriteSettings: Equatable, Sendable {
    /// The Timestream database and table every record goes to.
    var database: String
    var table: String
    /// `fail_on_long_label`: a series beyond Timestream's name limits is a 400 reason (after the valid samples are
    /// written) instead of a skip.
    var failOnLongLabel: Bool
    /// `fail_on_invalid_sample_value`: NaN/±Inf samples are a 400 reason instead of a skip.
    var failOnInvalidSampleValue: Bool

    package init(database: String, table: String, failOnLongLabel: Bool = false, failOnInvalidSampleValue: Bool = false) {
        self.database = database
        self.table = table
        self.failOnLongLabel = failOnLongLabel
        self.failOnInvalidSampleValue = failOnInvalidSampleValue
    }
}
