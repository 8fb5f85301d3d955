/// The instant by which the caller needs an answer (the Lambda invocation's deadline, minus its own margin).
public struct Deadline: Sendable, Equatable {
    var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds }

    /// Milliseconds left at `now` (negative when past).
    func remaining(at now: Int64) -> Int64 { epochMilliseconds - now }
}
