using System;

namespace BqBackup.Storage
{
    /// <summary>Turns what a user typed as -Destination (or left to the environment) into a store.</summary>
    public static class BackupStores
    {
        public const string DefaultS3Prefix = "backups/";

        /// <summary>
        /// The destination to use: the one given, else bunqueue's own S3 settings
        /// (S3_BUCKET / AWS_BUCKET and S3_BACKUP_PREFIX), else DestinationRequired.
        /// </summary>
        public static string ResolveDestination(string destination, IEnvironment env)
        {
            if (!string.IsNullOrWhiteSpace(destination)) return destination;
            var bucket = env.First("S3_BUCKET", "AWS_BUCKET");
            if (bucket != null)
            {
                var prefix = env.First("S3_BACKUP_PREFIX") ?? DefaultS3Prefix;
                return "s3://" + bucket + "/" + prefix.TrimStart('/');
            }
            throw new BqBackupException(ErrorIds.DestinationRequired, BqErrorCategory.InvalidArgument,
                "No destination was given and S3_BUCKET is not set.", null,
                "Pass -Destination with a folder or s3://bucket/prefix, or set S3_BUCKET as for bunqueue's built-in backup.");
        }

        /// <summary>
        /// The destination a command line names: -Destination, or AWS.Tools' -BucketName with
        /// -KeyPrefix (the same as s3://bucket/prefix/); null when it names none. Both at once, or a
        /// -KeyPrefix without a -BucketName, is DestinationConflict.
        /// </summary>
        public static string DestinationOf(string destination, string bucketName, string keyPrefix)
        {
            if (string.IsNullOrEmpty(bucketName))
            {
                if (!string.IsNullOrEmpty(keyPrefix))
                    throw new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                        $"-KeyPrefix '{keyPrefix}' was given without -BucketName.", keyPrefix,
                        "Give -BucketName with -KeyPrefix, or the whole destination as -Destination s3://bucket/prefix/.");
                return destination;
            }
            if (!string.IsNullOrEmpty(destination))
                throw new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                    $"Both -Destination '{UrlRedaction.Redact(destination)}' and -BucketName '{bucketName}' were given; they name the same thing.", bucketName,
                    "Give either -Destination s3://bucket/prefix/ or -BucketName with -KeyPrefix, not both.");
            return "s3://" + bucketName + "/" + (keyPrefix ?? "").TrimStart('/');
        }

        public static bool IsS3(string destination) =>
            destination != null && destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Opens the store behind a resolved destination. A folder path must already be absolute
        /// (the cmdlets resolve it against PowerShell's current location).
        /// </summary>
        public static IBackupStore Open(string destination, S3Options s3, IEnvironment env, bool createFolder)
        {
            if (IsS3(destination)) return OpenS3(destination, s3 ?? new S3Options(), env);
            RefuseOtherSchemes(destination);
            return new FolderStore(destination, createFolder);
        }

        /// <summary>
        /// A destination that is a URL of another kind (http://, ftp://) is neither a folder nor a
        /// bucket: refused before it is used or printed, with any credentials in it redacted.
        /// </summary>
        public static void RefuseOtherSchemes(string destination)
        {
            if (!IsS3(destination) && destination.IndexOf("://", StringComparison.Ordinal) >= 0)
                throw new BqBackupException(ErrorIds.InvalidDestination, BqErrorCategory.InvalidArgument,
                    $"The destination '{UrlRedaction.Redact(destination)}' is neither a folder nor an s3:// URL.", UrlRedaction.Redact(destination),
                    "Use a folder path or s3://bucket/prefix.");
        }

        private static IBackupStore OpenS3(string destination, S3Options s3, IEnvironment env) =>
            new S3.S3Store(S3.S3Destination.Parse(destination), S3.S3ClientFactory.Resolve(s3, env));
    }
}
