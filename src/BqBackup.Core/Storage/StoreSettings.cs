using System;
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

        /// <summary>
        /// The settings back from their <see cref="ToString"/> text, as Export-Csv writes them
        /// ("endpoint http://127.0.0.1:9000, region eu-west-1, path-style, profile p from /f");
        /// null for an empty text. A text of another shape is refused (InvalidStoreSettings), never
        /// read as something else.
        /// </summary>
        public static StoreSettings Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var rest = text.Trim();
            var settings = new StoreSettings();
            // The profile part comes last and its file may hold ", ": split it off first.
            var profileAt = rest.IndexOf(", profile ", StringComparison.Ordinal);
            if (profileAt >= 0)
            {
                var profile = rest.Substring(profileAt + ", profile ".Length);
                rest = rest.Substring(0, profileAt);
                var fromAt = profile.IndexOf(" from ", StringComparison.Ordinal);
                settings = settings with
                {
                    ProfileName = fromAt >= 0 ? profile.Substring(0, fromAt) : profile,
                    ProfileLocation = fromAt >= 0 ? profile.Substring(fromAt + " from ".Length) : null,
                };
            }
            var parts = rest.Split(new[] { ", " }, StringSplitOptions.None);
            if (parts.Length < 2 || parts.Length > 3 || !parts[0].StartsWith("endpoint ", StringComparison.Ordinal) || !parts[1].StartsWith("region ", StringComparison.Ordinal))
                throw Unreadable(text);
            var endpoint = parts[0].Substring("endpoint ".Length);
            var region = parts[1].Substring("region ".Length);
            bool? pathStyle = null;
            if (parts.Length == 3)
            {
                if (parts[2] == "path-style") pathStyle = true;
                else if (parts[2] == "virtual-hosted") pathStyle = false;
                else throw Unreadable(text);
            }
            return settings with
            {
                EndpointUrl = endpoint == "AWS" ? null : endpoint,
                Region = region == "(default)" ? null : region,
                ForcePathStyle = pathStyle,
            };
        }

        private static BqBackupException Unreadable(string text) =>
            new BqBackupException(ErrorIds.InvalidStoreSettings, BqErrorCategory.InvalidArgument,
                $"The store settings '{text}' are not as a BackupInfo's StoreSettings reads (endpoint …, region …[, path-style][, profile …]).", text,
                "Pipe the objects Get-BqBackup outputs (or their Export-Csv / ConvertTo-Json export) unchanged, or give the S3 parameters instead.");

        public override string ToString() =>
            $"endpoint {EndpointUrl ?? "AWS"}, region {Region ?? "(default)"}" +
            (ForcePathStyle.HasValue ? (ForcePathStyle.Value ? ", path-style" : ", virtual-hosted") : "") +
            (ProfileName != null ? $", profile {ProfileName}" : "") +
            (ProfileLocation != null ? $" from {ProfileLocation}" : "");
    }
}
