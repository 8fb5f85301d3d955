/// The `region` setting of the profile the environment names (`AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`) in the shared files: where the AWS SDKs and CLI take the region from after `AWS_REGION` and
/// `AWS_DEFAULT_REGION` (the standalone connector; Lambda always sets `AWS_REGION`).
package enum ProfileRegion {
    package static func region(environment: [String: String]) -> String? {
        ProfileCredentialProvider.settings(environment: environment).settings?["region"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
