
extension WriteReply {
    /// The answer to a Remote-Write 2.0 request that carried `exemplars` exemplars, given the answer its samples
    /// earned. Exemplars are not stored (the table holds one DOUBLE per sample, and an exemplar's trace labels are
    /// not series labels), and the 2.0 spec forbids a 2xx when any sent exemplar was not written
    /// (https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/#response). Its partial-write rule lets the valid
    /// samples be written first and the request answered 400 ("Invalid Samples"), as the `fail_on_*` flags do:
    /// - 2xx → 400 saying that every sample was written and how to stop sending exemplars;
    /// - 400 → the same 400 with the exemplar reason in front;
    /// - anything else (403, 500, 503) is kept: Prometheus retries or the operator fixes the deployment first, and
    ///   the exemplars are reported on the answer that follows.
    /// 1.0 requests keep a 2xx: exemplars are not part of the 1.0 protocol (its "Future Plans"), which defines no
    /// written counts.
    static func refusingExemplars(_ exemplars: Int, after reply: ServiceResponse) -> ServiceResponse {
        guard exemplars > 0 else { return reply }
        let reason =
            (exemplars == 1 ? "1 exemplar was" : "\(exemplars) exemplars were")
            + " not written: this Timestream connector does not store exemplars; set "
            + "send_exemplars: false in this remote_write to stop sending them."
        switch reply.statusCode {
        case 200..<300:
            return .text(400, reason + " The samples were written (X-Prometheus-Remote-Write-Samples-Written).")
        case 400:
            return .text(400, reason + " " + reply.bodyText)
        default:
            return reply
        }
    }
}
