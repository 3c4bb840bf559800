using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BqBackup.State;
using BqBackup.Storage;
using BqBackup.Storage.S3;

namespace BqBackup.Retention
{
    /// <summary>
    /// Multipart uploads under an expiry's prefix that were initiated longer ago than
    /// <see cref="DefaultAge"/> and never finished, whoever started them (a backup on another
    /// machine that died, a server that went away mid-upload): their parts are invisible and
    /// billed forever. Each abort goes through the expiry's confirm callback (ShouldProcess).
    /// </summary>
    internal static class StaleUploads
    {
        public static readonly TimeSpan DefaultAge = TimeSpan.FromDays(1);
        /// <summary>For tests: how old an upload must be to count as stale, as a TimeSpan ("00:00:00").</summary>
        public const string AgeVariable = "BQBACKUP_STALE_UPLOAD_AGE";

        public static TimeSpan Age(IEnvironment env, OperationContext ctx)
        {
            var text = env.Get(AgeVariable);
            if (text == null) return DefaultAge;
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var age) && age >= TimeSpan.Zero) return age;
            ctx.WriteVerbose($"{AgeVariable}='{text}' is not a TimeSpan such as 1.00:00:00; using {DefaultAge}.");
            return DefaultAge;
        }

        /// <summary>Aborts the stale uploads under the store's prefix; returns the keys aborted. Never throws but for cancellation.</summary>
        public static IReadOnlyList<string> Abort(S3Store store, DateTime nowUtc, TimeSpan age, Func<string, string, bool> confirm, OperationContext ctx)
        {
            var aborted = new List<string>();
            IReadOnlyList<S3PendingUploads.Pending> pending;
            string unsupported;
            try { pending = S3PendingUploads.List(store, store.Prefix, ctx.Cancellation, out unsupported); }
            catch (BqBackupException e)
            {
                ctx.WriteWarning($"Could not look for incomplete multipart uploads under '{store.Location}': {e.Message}");
                return aborted;
            }
            if (pending == null)
            {
                ctx.WriteVerbose($"Did not look for incomplete multipart uploads under '{store.Location}': {unsupported}. An AbortIncompleteMultipartUpload lifecycle rule on the bucket reclaims them.");
                return aborted;
            }
            // A backup of this machine that is still running keeps its upload, however long it takes.
            var live = new HashSet<string>(InFlightRegistry.ForCurrentUser().ReadAll(null)
                .Where(r => r.Kind == InFlightRecord.S3Kind && !r.OwnerIsGone).Select(r => r.UploadId), StringComparer.Ordinal);
            foreach (var upload in pending)
            {
                ctx.ThrowIfCancelled();
                if (!upload.InitiatedUtc.HasValue || live.Contains(upload.UploadId)) continue;
                var elapsed = nowUtc - upload.InitiatedUtc.Value;
                if (elapsed < age) continue;
                var when = $"initiated {upload.InitiatedUtc.Value:yyyy-MM-dd HH:mm:ss} UTC, {Ago(elapsed)} ago";
                if (!confirm($"{upload.Key} (upload id {upload.UploadId}) in bucket {store.Bucket}", $"Abort incomplete multipart upload ({when})")) continue;
                switch (S3PendingUploads.Abort(store, upload.Key, upload.UploadId, ctx.Cancellation, out var why))
                {
                    case S3PendingUploads.AbortResult.Aborted:
                    case S3PendingUploads.AbortResult.AlreadyGone:
                        ctx.WriteVerbose($"Aborted the incomplete multipart upload of '{upload.Key}' (upload id {upload.UploadId}), {when}.");
                        aborted.Add(upload.Key);
                        break;
                    case S3PendingUploads.AbortResult.NotSupported:
                        ctx.WriteVerbose($"Could not abort the incomplete multipart upload of '{upload.Key}' ({when}): {why}.");
                        return aborted;
                    default:
                        ctx.WriteWarning($"Could not abort the incomplete multipart upload of '{upload.Key}' (upload id {upload.UploadId}, {when}): {why}");
                        break;
                }
            }
            return aborted;
        }

        private static string Ago(TimeSpan age) =>
            age.TotalDays >= 1 ? $"{age.TotalDays:F1} days" : age.TotalHours >= 1 ? $"{age.TotalHours:F1} hours" : $"{Math.Max(0, age.TotalMinutes):F0} minutes";
    }
}
