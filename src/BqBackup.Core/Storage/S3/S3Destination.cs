using System;
using System.Text.RegularExpressions;

namespace BqBackup.Storage.S3
{
    /// <summary>s3://bucket/prefix, parsed; the prefix is empty or ends with '/'.</summary>
    public sealed class S3Destination
    {
        // Bucket names as S3 and its compatibles accept them (3-63 lowercase letters, digits, dots, hyphens).
        private static readonly Regex BucketName = new Regex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant);

        private S3Destination(string bucket, string prefix)
        {
            Bucket = bucket;
            Prefix = prefix;
        }

        public string Bucket { get; }
        public string Prefix { get; }
        public override string ToString() => $"s3://{Bucket}/{Prefix}";

        public static S3Destination Parse(string destination)
        {
            if (destination == null || !destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                throw Invalid(destination, "it does not start with s3://");
            if (UrlRedaction.HasUserInfo(destination))
                throw new BqBackupException(ErrorIds.EndpointHasCredentials, BqErrorCategory.InvalidArgument,
                    $"The destination '{UrlRedaction.Redact(destination)}' carries credentials before the bucket name; they were not used.", UrlRedaction.Redact(destination),
                    "Write the destination as s3://bucket/prefix/ and give the keys with -AccessKey/-SecretKey, -Credential, a profile or S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY.");
            var rest = destination.Substring(5);
            var slash = rest.IndexOf('/');
            var bucket = slash < 0 ? rest : rest.Substring(0, slash);
            var prefix = slash < 0 ? "" : rest.Substring(slash + 1);
            if (bucket.Length == 0) throw Invalid(destination, "it names no bucket");
            if (!BucketName.IsMatch(bucket) || bucket.Contains(".."))
                throw Invalid(destination, $"'{bucket}' is not a valid bucket name (3-63 lowercase letters, digits, dots and hyphens)");
            if (prefix.StartsWith("/") || prefix.Contains("//") || prefix.Contains("\\") || Regex.IsMatch(prefix, @"(^|/)\.\.?(/|$)"))
                throw Invalid(destination, $"the prefix '{prefix}' has empty, '.' or '..' segments");
            if (prefix.Length > 0 && !prefix.EndsWith("/")) prefix += "/";
            return new S3Destination(bucket, prefix);
        }

        private static BqBackupException Invalid(string destination, string why) =>
            new BqBackupException(ErrorIds.InvalidDestination, BqErrorCategory.InvalidArgument,
                $"The destination '{UrlRedaction.Redact(destination)}' is not a valid S3 URL: {why}.", UrlRedaction.Redact(destination),
                "Write it as s3://bucket or s3://bucket/prefix/, e.g. s3://my-bunqueue-backups/backups/.");
    }
}
