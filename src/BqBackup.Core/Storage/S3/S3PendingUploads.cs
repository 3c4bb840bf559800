using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Multipart uploads that were started and neither completed nor aborted: listed under a
    /// prefix (every page) and aborted one by one. Servers that do not implement the calls
    /// (s3rver) and credentials without the permission are told apart from real failures, so a
    /// caller can say so and carry on.
    /// </summary>
    internal static class S3PendingUploads
    {
        internal sealed class Pending
        {
            public string Key { get; set; }
            public string UploadId { get; set; }
            /// <summary>Null when the server does not say.</summary>
            public DateTime? InitiatedUtc { get; set; }
        }

        internal enum AbortResult { Aborted, AlreadyGone, NotSupported, Failed }

        private const int MaxPages = 10000;

        /// <summary>
        /// Every pending upload whose key starts with <paramref name="prefix"/>; null with
        /// <paramref name="unsupported"/> saying why when the server cannot list them (not
        /// implemented, or not allowed). Other failures are a StoreError.
        /// </summary>
        public static IReadOnlyList<Pending> List(S3Store store, string prefix, CancellationToken cancellation, out string unsupported)
        {
            unsupported = null;
            var result = new List<Pending>();
            string keyMarker = null, idMarker = null;
            for (var page = 0; page < MaxPages; page++)
            {
                var request = new ListMultipartUploadsRequest { BucketName = store.Bucket, Prefix = prefix, KeyMarker = keyMarker, UploadIdMarker = idMarker };
                ListMultipartUploadsResponse response;
                try
                {
                    response = store.Client.ListMultipartUploadsAsync(request, cancellation).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { throw; }
                catch (AmazonS3Exception e) when (IsUnsupported(e))
                {
                    unsupported = Describe(e);
                    return null;
                }
                catch (Exception e)
                {
                    throw S3Errors.Map(store, "list pending multipart uploads", null, e);
                }
                foreach (var u in response.MultipartUploads ?? new List<MultipartUpload>())
                {
                    if (string.IsNullOrEmpty(u.Key) || string.IsNullOrEmpty(u.UploadId)) continue;
                    if (!string.IsNullOrEmpty(prefix) && !u.Key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    result.Add(new Pending
                    {
                        Key = u.Key, UploadId = u.UploadId,
                        InitiatedUtc = u.Initiated.HasValue && u.Initiated.Value > DateTime.MinValue ? DateTime.SpecifyKind(u.Initiated.Value, DateTimeKind.Utc) : (DateTime?)null,
                    });
                }
                if (response.IsTruncated != true) break;
                // A server that repeats its markers would page forever.
                if (response.NextKeyMarker == keyMarker && response.NextUploadIdMarker == idMarker) break;
                keyMarker = response.NextKeyMarker;
                idMarker = response.NextUploadIdMarker;
                if (string.IsNullOrEmpty(keyMarker)) break;
            }
            return result;
        }

        /// <summary>Aborts one upload; never throws but for cancellation. <paramref name="why"/> tells a failure.</summary>
        public static AbortResult Abort(S3Store store, string fullKey, string uploadId, CancellationToken cancellation, out string why)
        {
            why = null;
            try
            {
                store.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = store.Bucket, Key = fullKey, UploadId = uploadId }, cancellation)
                    .GetAwaiter().GetResult();
                return AbortResult.Aborted;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { throw; }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload" || e.StatusCode == HttpStatusCode.NotFound)
            {
                return AbortResult.AlreadyGone;
            }
            catch (AmazonS3Exception e) when (IsUnsupported(e))
            {
                why = Describe(e);
                return AbortResult.NotSupported;
            }
            catch (Exception e)
            {
                why = S3Errors.Map(store, "abort a multipart upload", fullKey, e).Message;
                return AbortResult.Failed;
            }
        }

        private static bool IsUnsupported(AmazonS3Exception e) =>
            e.ErrorCode == "NotImplemented" || e.ErrorCode == "MethodNotAllowed" || e.ErrorCode == "AccessDenied"
            || e.StatusCode == HttpStatusCode.NotImplemented || e.StatusCode == HttpStatusCode.MethodNotAllowed
            || (e.StatusCode == HttpStatusCode.Forbidden && e.ErrorCode != "SignatureDoesNotMatch" && e.ErrorCode != "InvalidAccessKeyId");

        private static string Describe(AmazonS3Exception e) =>
            e.StatusCode == HttpStatusCode.Forbidden || e.ErrorCode == "AccessDenied"
                ? "these credentials may not (s3:ListBucketMultipartUploads / s3:AbortMultipartUpload)"
                : $"the server does not implement it ({(int)e.StatusCode} {e.ErrorCode})";
    }
}
