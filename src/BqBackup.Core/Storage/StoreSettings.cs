using BqBackup.Storage.S3;

namespace BqBackup.Storage
{
    /// <summary>
    /// The non-secret settings a store was reached with (for S3: the endpoint, region, addressing
    /// style, profile name and location, after every fallback), carried on each BackupInfo so the
    /// next cmdlet in a pipeline reopens the same store without the S3 parameters typed again.
    /// Never a key, a secret or a token: credentials are resolved again where the store is reopened,
    /// through the same chain as a direct call. Null for a folder, which needs no settings.
    /// Immutable; equal when every setting is.
    /// </summary>
    public sealed record StoreSettings
    {
        /// <summary>The S3 endpoint URL; null for AWS S3 itself.</summary>
        public string EndpointUrl { get; init; }
        public string Region { get; init; }
        /// <summary>True: path-style addressing (https://endpoint/bucket/key); false: virtual-hosted style.</summary>
        public bool? ForcePathStyle { get; init; }
        /// <summary>The AWS profile the credentials came from, when one was named.</summary>
        public string ProfileName { get; init; }
        /// <summary>The shared credentials file that profile was read from, when one was named.</summary>
        public string ProfileLocation { get; init; }

        /// <summary>The settings of an open store; null for a folder.</summary>
        public static StoreSettings Of(IBackupStore store) => store is S3Store s3 ? From(s3.Settings) : null;

        internal static StoreSettings From(ResolvedS3Settings s) => new StoreSettings
        {
            EndpointUrl = s.EndpointUrl,
            Region = s.Region,
            ForcePathStyle = s.ForcePathStyle,
            ProfileName = s.ProfileName,
            ProfileLocation = s.ProfileLocation,
        };

        public override string ToString() =>
            $"endpoint {EndpointUrl ?? "AWS"}, region {Region ?? "(default)"}" +
            (ForcePathStyle.HasValue ? (ForcePathStyle.Value ? ", path-style" : ", virtual-hosted") : "") +
            (ProfileName != null ? $", profile {ProfileName}" : "") +
            (ProfileLocation != null ? $" from {ProfileLocation}" : "");
    }
}
