using System;
using System.Linq;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Reads a bucket's protective settings for the posture report: each through its own GET, a
    /// setting that is not configured (the provider's "not found" codes) as absent, one the
    /// credentials may not read (AccessDenied, NotImplemented) as that error code, never thrown.
    /// </summary>
    internal static class S3Protection
    {
        public static BucketProtection Read(S3Store store, CancellationToken cancellation)
        {
            var result = new BucketProtection();
            var versioning = Get(store, "read the versioning of", () => store.Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = store.Bucket }, cancellation), cancellation, out var error);
            var status = versioning?.VersioningConfig?.Status?.Value;
            result.Versioning = error != null ? null : string.Equals(status, "Enabled", StringComparison.OrdinalIgnoreCase) ? "Enabled"
                : string.Equals(status, "Suspended", StringComparison.OrdinalIgnoreCase) ? "Suspended" : "Off";
            result.VersioningError = error;

            var locking = Get(store, "read the Object Lock configuration of", () => store.Client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = store.Bucket }, cancellation), cancellation, out error,
                "ObjectLockConfigurationNotFoundError");
            var configuration = locking?.ObjectLockConfiguration;
            result.ObjectLockEnabled = string.Equals(configuration?.ObjectLockEnabled?.Value, "Enabled", StringComparison.OrdinalIgnoreCase);
            var retention = configuration?.Rule?.DefaultRetention;
            if (result.ObjectLockEnabled && retention?.Mode != null && (retention.Days > 0 || retention.Years > 0))
            {
                result.DefaultRetentionMode = retention.Mode.Value.ToUpperInvariant();
                result.DefaultRetentionDays = retention.Days > 0 ? retention.Days : null;
                result.DefaultRetentionYears = retention.Years > 0 ? retention.Years : null;
            }
            result.ObjectLockError = error;

            var lifecycle = Get(store, "read the lifecycle rules of", () => store.Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = store.Bucket }, cancellation), cancellation, out error,
                "NoSuchLifecycleConfiguration");
            var rule = (lifecycle?.Configuration?.Rules ?? new System.Collections.Generic.List<LifecycleRule>())
                .Where(r => string.Equals(r.Status?.Value, "Enabled", StringComparison.OrdinalIgnoreCase) && r.AbortIncompleteMultipartUpload?.DaysAfterInitiation > 0)
                .Where(r => RulePrefix(r) is string prefix && store.Prefix.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(r => r.AbortIncompleteMultipartUpload.DaysAfterInitiation).FirstOrDefault();
            result.AbortIncompleteUploadDays = rule?.AbortIncompleteMultipartUpload.DaysAfterInitiation;
            result.AbortIncompleteUploadRule = rule?.Id;
            result.LifecycleError = error;

            var encryption = Get(store, "read the default encryption of", () => store.Client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = store.Bucket }, cancellation), cancellation, out error,
                "ServerSideEncryptionConfigurationNotFoundError");
            result.DefaultEncryption = encryption?.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?
                .Select(r => r.ServerSideEncryptionByDefault?.ServerSideEncryptionAlgorithm?.Value).FirstOrDefault(a => !string.IsNullOrEmpty(a));
            result.EncryptionError = error;
            return result;
        }

        public static bool? ReadObjectLockEnabled(S3Store store, CancellationToken cancellation, out string error)
        {
            var locking = Get(store, "read the Object Lock configuration of", () => store.Client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = store.Bucket }, cancellation), cancellation, out error,
                "ObjectLockConfigurationNotFoundError");
            if (error != null) return null;
            return string.Equals(locking?.ObjectLockConfiguration?.ObjectLockEnabled?.Value, "Enabled", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The key prefix a rule applies to; null when it filters on something else too (tags, sizes), so it may not cover every backup.</summary>
        private static string RulePrefix(LifecycleRule rule)
        {
            var predicate = rule.Filter?.LifecycleFilterPredicate;
            if (predicate is LifecyclePrefixPredicate p) return p.Prefix ?? "";
            if (predicate != null) return null;
            return rule.Filter?.Prefix ?? rule.Prefix ?? "";
        }

        public static ObjectLockState ReadLock(S3Store store, string key, string versionId, CancellationToken cancellation)
        {
            var full = store.FullKey(key);
            var head = S3Errors.Call(store, "read the lock of", key, () => store.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = store.Bucket, Key = full, VersionId = versionId }, cancellation), cancellation);
            return new ObjectLockState
            {
                Mode = string.IsNullOrEmpty(head.ObjectLockMode?.Value) ? null : head.ObjectLockMode.Value.ToUpperInvariant(),
                RetainUntil = head.ObjectLockRetainUntilDate?.ToUniversalTime(),
                LegalHold = string.Equals(head.ObjectLockLegalHoldStatus?.Value, "ON", StringComparison.OrdinalIgnoreCase),
            };
        }

        /// <summary>The answer, or null with <paramref name="error"/> set to the provider's code when the setting could not be read; null and no error when it is simply not configured.</summary>
        private static T Get<T>(S3Store store, string what, Func<System.Threading.Tasks.Task<T>> call, CancellationToken cancellation, out string error, params string[] notConfigured) where T : class
        {
            error = null;
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (AmazonS3Exception e) when (notConfigured.Contains(e.ErrorCode))
            {
                return null;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied" || e.ErrorCode == "NotImplemented" || e.ErrorCode == "MethodNotAllowed"
                || e.StatusCode == System.Net.HttpStatusCode.Forbidden || e.StatusCode == System.Net.HttpStatusCode.NotImplemented)
            {
                error = string.IsNullOrEmpty(e.ErrorCode) ? ((int)e.StatusCode).ToString() : e.ErrorCode;
                return null;
            }
            catch (Exception e)
            {
                throw S3Errors.Map(store, what, null, e);
            }
        }
    }
}
