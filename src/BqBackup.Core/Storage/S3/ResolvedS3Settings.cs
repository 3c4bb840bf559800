using System;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace BqBackup.Storage.S3
{
    /// <summary>The settings an S3 client is built from, after every fallback; never printed with its secret.</summary>
    public sealed class ResolvedS3Settings
    {
        public string EndpointUrl { get; set; }
        public string Region { get; set; }
        public bool ForcePathStyle { get; set; }
        public bool IsAws { get; set; }
        /// <summary>"parameters", "environment", "profile NAME" or "default chain": where the credentials came from.</summary>
        public string CredentialSource { get; set; }
        public string AccessKey { get; set; }
        internal string SecretKey { get; set; }
        internal string SessionToken { get; set; }
        public string ProfileName { get; set; }
        /// <summary>The shared credentials file ProfileName is read from; null: the SDK's usual files.</summary>
        public string ProfileLocation { get; set; }
        /// <summary>An AWSCredentials given with -Credential (never printed).</summary>
        internal AWSCredentials Credentials { get; set; }
        public TimeSpan Timeout { get; set; }

        public override string ToString() =>
            $"endpoint {EndpointUrl ?? "AWS"}, region {Region}, {(ForcePathStyle ? "path-style" : "virtual-hosted")} addressing, credentials from {CredentialSource}";
    }
}
