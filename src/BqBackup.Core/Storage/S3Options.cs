using System;
using System.Collections.Generic;

namespace BqBackup.Storage
{
    /// <summary>
    /// Settings of the S3 store as a user gave them; anything left null falls back to bunqueue's
    /// environment variables and then to the AWS SDK's default chain. ToString never shows secrets.
    /// </summary>
    public sealed class S3Options
    {
        public string EndpointUrl { get; set; }
        public string Region { get; set; }
        public string AccessKey { get; set; }
        public string SecretKey { get; set; }
        public string SessionToken { get; set; }
        public string ProfileName { get; set; }
        public bool? ForcePathStyle { get; set; }
        /// <summary>Connect/read timeout per request; short so an unreachable endpoint fails fast.</summary>
        public TimeSpan? Timeout { get; set; }

        public override string ToString() =>
            $"endpoint={EndpointUrl ?? "(default)"} region={Region ?? "(default)"} profile={ProfileName ?? "(none)"} accessKey={(AccessKey == null ? "(none)" : "(set)")}";
    }
}
