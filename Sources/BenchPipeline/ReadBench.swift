import AWS
import Connector
import TimestreamCodec
import TimestreamTranslation
import LambdaRuntime
import RemoteStorage

/// The CPU of target P6 without the network: what the function does with the 100 `Query` answer bodies of a
/// 100 000-row read once libcurl has handed them over — decode each page, assemble the series, encode the
/// `SAMPLES` answer (protobuf + snappy) and the Lambda answer around it (base64) — as `RemoteReadHandler` does.
/// `BenchPipeline read [iterations] [step]` prints ms per read and the figure per 100 000 rows, also by step
/// (`read_decode`, `read_assemble`, `read_encode`; each from the previous step's output), or for `step` only.
/// Each step runs `iterations` + max(1, `iterations` / 10) times; `read 0` only builds the input (for
/// callgrind: instructions of `read 1 read` minus `read 0`, halved, are one read).
enum ReadBench {
    /// One whole read: returns the size of the Lambda answer (so the work cannot be optimised away).
    static func read(_ bodies: [[UInt8]]) -> Int {
        var assembler = SeriesAssembler()
        for body in bodies {
            guard let response = QueryResponse.decode(body) else { fatalError("unreadable Query body") }
            do { try assembler.add(response.page) } catch { fatalError("\(error)") }
        }
        return answer([assembler.finish()]).count
    }

    static func decode(_ bodies: [[UInt8]]) -> [QueryPage] {
        bodies.map { body in
            guard let response = QueryResponse.decode(body) else { fatalError("unreadable Query body") }
            return response.page
        }
    }

    static func assemble(_ pages: [QueryPage]) -> [TimeSeries] {
        var assembler = SeriesAssembler()
        for page in pages {
            do { try assembler.add(page) } catch { fatalError("\(error)") }
        }
        return assembler.finish()
    }

    /// The Lambda answer (API Gateway payload 2.0, as template.yml's HTTP API) of a SAMPLES read.
    static func answer(_ results: [[TimeSeries]]) -> [UInt8] {
        let (parts, headers) = ReadAnswer.samples.encode(results)
        return APIGatewayResponse(statusCode: 200, headers: headers, body: Array(parts.joined())).encoded(for: .v2)
    }

    static func main(_ arguments: ArraySlice<String>) {
        let iterations = arguments.first.flatMap { Int($0) } ?? 20
        let only = arguments.dropFirst().first
        let (seriesCount, samples) = (100, 1000)
        let bodies = QueryPages.bodies(series: seriesCount, samples: samples)
        let rows = seriesCount * samples
        let pages = decode(bodies)
        let series = assemble(pages)
        precondition(series.count == seriesCount && series.allSatisfy { $0.samples.count == samples })
        let answerBytes = answer([series])
        print("# \(rows) rows, \(bodies.count) pages, \(bodies.reduce(0) { $0 + $1.count }) Query bytes, "
            + "\(answerBytes.count) answer bytes (FNV-1a \(fnv1a(answerBytes))), \(iterations) iterations")
        let steps: [(String, () -> Int)] = [
            ("read", { read(bodies) }),
            ("read_decode", { decode(bodies).count }),
            ("read_assemble", { assemble(pages).count }),
            ("read_encode", { answer([series]).count }),
        ]
        var sink = 0
        let clock = ContinuousClock()
        for (name, step) in steps where iterations > 0 && (only == nil || only == name) {
            for _ in 0..<max(1, iterations / 10) { sink &+= step() }
            var millis: [Double] = []
            for _ in 0..<iterations {
                let start = clock.now
                sink &+= step()
                let elapsed = start.duration(to: clock.now)
                millis.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
            }
            millis.sort()
            let median = millis[millis.count / 2]
            print("\(name) \(tenths(median)) ms, \(tenths(median * 100_000 / Double(rows))) ms per 100000 rows")
        }
        if sink == 42 { print("") }
    }

    /// `BenchPipeline read-check DIR`: compares `QueryPages.bodies()` with the stand-in's pages saved by
    /// `scripts/bench.py --only P6 --dump-pages DIR`: each page byte for byte outside its rows (UUIDs masked),
    /// and the same rows overall (their order depends on how the stand-in received the writes).
    static func check(directory: String) -> Bool {
        let generated = QueryPages.bodies()
        var generatedRows: [[UInt8]: Int] = [:]
        var dumpedRows: [[UInt8]: Int] = [:]
        for (index, body) in generated.enumerated() {
            let name = directory + "/page-" + String(repeating: "0", count: 3 - String(index).count) + "\(index).json"
            guard let dumped = readFile(name) else {
                print("cannot read \(name)")
                return false
            }
            let (mine, theirs) = (PageShape(body), PageShape(dumped))
            guard mine.frame == theirs.frame else {
                print("page \(index) differs outside its rows")
                return false
            }
            for row in mine.rows { generatedRows[row, default: 0] += 1 }
            for row in theirs.rows { dumpedRows[row, default: 0] += 1 }
        }
        guard generatedRows == dumpedRows else {
            print("the rows differ")
            return false
        }
        print("same \(generated.count) pages outside the rows, same \(generatedRows.count) rows")
        let dumped = (0..<generated.count).compactMap {
            readFile(directory + "/page-" + String(repeating: "0", count: 3 - String($0).count) + "\($0).json")
        }
        let answer = answer([assemble(decode(dumped))])
        print("answer from the stand-in's pages: \(answer.count) bytes (FNV-1a \(fnv1a(answer)))")
        return readFile(directory + "/page-" + "\(generated.count).json") == nil
    }

    /// FNV-1a 64 of `bytes` in hex, to compare answers across builds.
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }

    private static func tenths(_ value: Double) -> String {
        let scaled = Int((value * 10).rounded())
        return "\(scaled / 10).\(scaled % 10)"
    }
}
