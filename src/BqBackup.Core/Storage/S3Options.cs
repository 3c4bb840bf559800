using System;

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
        /// <summary>
        /// An Amazon.Runtime.AWSCredentials (AWS.Tools' -Credential): this module's AWSSDK type or
        /// one loaded by another module, of any version; asked for keys each time a request is signed.
        /// </summary>
        public object AwsCredentials { get; set; }
        public string ProfileName { get; set; }
        /// <summary>The shared credentials file to read -ProfileName from (AWS.Tools' -ProfileLocation); null: the SDK's usual files.</summary>
        public string ProfileLocation { get; set; }
        public bool? ForcePathStyle { get; set; }
        /// <summary>Connect/read timeout per request; short so an unreachable endpoint fails fast.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>
        /// These options with the settings a piped backup carries filling what was not given here:
        /// what is given here wins, setting by setting. Credentials are never carried.
        /// </summary>
        public S3Options Over(StoreSettings carried)
        {
            var merged = (S3Options)MemberwiseClone();
            if (carried == null) return merged;
            merged.EndpointUrl = EndpointUrl ?? carried.EndpointUrl;
            merged.Region = Region ?? carried.Region;
            merged.ForcePathStyle = ForcePathStyle ?? carried.ForcePathStyle;
            merged.ProfileName = ProfileName ?? carried.ProfileName;
            merged.ProfileLocation = ProfileLocation ?? carried.ProfileLocation;
            return merged;
        }

        /// <summary>
        /// These options with <paramref name="fallback"/> filling what is left out: settings one by one,
        /// credentials as a whole (keys, a credentials object or a profile here means none of the
        /// fallback's are used). Copy-BqBackup reaches its source this way: the -From… parameters and a
        /// piped backup's settings first, then the target's S3 parameters (the same provider by default).
        /// </summary>
        public S3Options OrElse(S3Options fallback)
        {
            var merged = (S3Options)MemberwiseClone();
            if (fallback == null) return merged;
            merged.EndpointUrl = EndpointUrl ?? fallback.EndpointUrl;
            merged.Region = Region ?? fallback.Region;
            merged.ForcePathStyle = ForcePathStyle ?? fallback.ForcePathStyle;
            merged.Timeout = Timeout ?? fallback.Timeout;
            if (!HasCredentials)
            {
                merged.AccessKey = fallback.AccessKey;
                merged.SecretKey = fallback.SecretKey;
                merged.SessionToken = fallback.SessionToken;
                merged.AwsCredentials = fallback.AwsCredentials;
                merged.ProfileName = fallback.ProfileName;
                merged.ProfileLocation = fallback.ProfileLocation;
            }
            return merged;
        }

        private bool HasCredentials => AccessKey != null || SecretKey != null || SessionToken != null || AwsCredentials != null || ProfileName != null;

        public override string ToString() =>
            $"endpoint={EndpointUrl ?? "(default)"} region={Region ?? "(default)"} profile={ProfileName ?? "(none)"} accessKey={(AccessKey == null ? "(none)" : "(set)")}";
    }
}
